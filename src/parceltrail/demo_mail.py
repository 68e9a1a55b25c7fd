"""What the demo's mail catcher received, as two small pages: ``/demo/mail`` (newest first) and
``/demo/mail/{n}`` (one message as the buyer would see it). Local only; nothing leaves the machine."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from parceltrail.mailcatcher import MailCatcher

_STYLE = ("body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#1f2328}"
          "table{border-collapse:collapse}td,th{padding:6px 10px;border-bottom:1px solid #d0d7de;text-align:left}")


def create_mail_app(catcher: MailCatcher) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=HTMLResponse)
    def inbox(request: Request) -> str:
        here = request.scope.get("root_path", "")
        rows = "".join(
            f"<tr><td>{m.received_at:%H:%M:%S}</td><td>{escape(', '.join(m.rcpt_tos))}</td>"
            f'<td><a href="{here}/{len(catcher.messages) - 1 - i}">{escape(m.subject)}</a></td></tr>'
            for i, m in enumerate(reversed(catcher.messages)))
        return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Demo mail</title>"
                f"<style>{_STYLE}</style></head><body><h1>Mail sent by the demo ({len(catcher.messages)})</h1>"
                f"<p>SMTP {escape(catcher.url)}; buyers' emails and staff digests land here.</p>"
                f"<table><tr><th>received (UTC)</th><th>to</th><th>subject</th></tr>{rows}</table></body></html>")

    @app.get("/{number}", response_class=HTMLResponse)
    def message(number: int) -> str:
        if not 0 <= number < len(catcher.messages):
            raise HTTPException(404, f"no message {number}; the demo has {len(catcher.messages)}")
        mail = catcher.messages[number]
        return mail.part("text/html") or f"<pre>{escape(mail.part('text/plain'))}</pre>"

    return app
