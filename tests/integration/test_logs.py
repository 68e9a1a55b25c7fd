"""What the logs say (issue 17 item 15): job runs at DEBUG, a polling failure names package, carrier and error,
JSON lines by setting, and no secret in any line — from a real ``parceltrail serve`` process."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from tests.conftest import HUNG, free_port
from tests.integration.api_client import cli
from tests.integration.push.helpers import SECRET, UPS_NUMBER, signed_headers, ups_body


def test_huey_job_runs_are_debug_and_secrets_are_masked_in_json_lines(settings):
    from parceltrail.logs import configure_logging

    stream = io.StringIO()
    noisy = settings.model_copy(update={"log_format": "json", "hook_secrets": {"ups": SecretStr("whsec_c2VjcmV0c2VjcmV0")},
                                        "secret_key": SecretStr("fernet-passphrase-123")})
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        configure_logging(noisy, stream)
        logging.getLogger("huey").info("Executing %s", "parceltrail.drain_hook_inbox: 1234")
        logging.getLogger("huey.consumer.Scheduler").info("Enqueueing periodic task %s.", "drain_hook_inbox")
        logging.getLogger("huey").warning("Task %s not run, %s.", "x", "locked")
        logging.getLogger("parceltrail.test").info("key pt_%s and whsec_c2VjcmV0c2VjcmV0, passphrase %s",
                                                   "A" * 43, "fernet-passphrase-123")
        try:
            raise ValueError("client_secret=hunter22 rejected")
        except ValueError:
            logging.getLogger("parceltrail.test").exception("carrier said no")
        configure_logging(noisy.model_copy(update={"log_level": "debug"}), stream)
        logging.getLogger("huey").info("%s executed in %0.3fs", "parceltrail.drain_hook_inbox", 0.01)
    finally:
        root.handlers[:], root.level = before
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(r["level"], r["logger"]) for r in lines] == [
        ("warning", "huey"), ("info", "parceltrail.test"), ("error", "parceltrail.test"), ("debug", "huey")]
    text = stream.getvalue()
    for secret in ("A" * 43, "whsec_c2VjcmV0c2VjcmV0", "fernet-passphrase-123", "hunter22"):
        assert secret not in text
    assert "ValueError" in lines[2]["exception"] and "[redacted]" in lines[2]["exception"]


def _serve(tmp_path: Path, database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url, "PARCELTRAIL_LOG_FORMAT": "json",
           "PARCELTRAIL_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}", "PARCELTRAIL_POLL_EVERY_SECONDS": "0.3",
           "PARCELTRAIL_HOOK_SECRETS": json.dumps({"ups": SECRET})}
    for name in ("PARCELTRAIL_UPS_CLIENT_ID", "PARCELTRAIL_UPS_CLIENT_SECRET"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "parceltrail", "serve", "--port", str(port), "--no-demo"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)


def test_serve_logs_json_lines_names_failing_polls_and_never_prints_keys(tmp_path, database_url, engine):
    shop = json.loads(cli(database_url, "shop", "create", "Logging shop", "--json").stdout)
    port = free_port()
    server = _serve(tmp_path, database_url, port)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=HUNG,
                              headers={"Authorization": f"Bearer {shop['api_key']}"})
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
            time.sleep(0.2)
        package = client.post("/v1/packages", json={"tracking_number": UPS_NUMBER, "carrier": "ups",
                                                    "force": True}).json()
        body = ups_body("delivered")
        pushed = httpx.post(f"http://127.0.0.1:{port}/v1/hooks/ups", content=body,
                            headers=signed_headers(body, "msg_logs"), timeout=HUNG)
        assert pushed.status_code == 202
        assert client.get("/v1/packages", params={"cursor": "x"}).status_code == 422
        deadline = time.monotonic() + 60
        while True:  # the poller records a failed check; the worker's drain job (a Huey task) takes the push
            seen = client.get(f"/v1/packages/{package['id']}").json()
            if seen["tracking"]["last_error"] is not None and seen["event_count"] == 8:
                break
            assert time.monotonic() < deadline, seen
            time.sleep(0.3)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]  # every line is one JSON object
    failures = [r for r in lines if r["message"].startswith("polling failed")]
    assert failures and failures[0]["package_id"] == package["id"] and failures[0]["carrier"] == "ups"
    assert "no ups account configured" in failures[0]["error"] and failures[0]["level"] == "warning"
    assert any(r["logger"] == "uvicorn.access" for r in lines)
    assert not [r for r in lines if r["logger"].startswith("huey") and r["message"].startswith("Executing")]
    everything = out + err
    assert shop["api_key"] not in everything and SECRET not in everything
