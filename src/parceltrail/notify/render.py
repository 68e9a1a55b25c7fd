"""Turning a planned message into words: Jinja2 templates per channel, words per locale.

Layout lives in ``templates/`` (``email.html`` for email, ``sms.txt`` for SMS, ``chat.txt`` for chat
services and staff), words in ``locales/<locale>.toml``; a locale is one file of translations, so
adding one needs no template change. Dates and times are written in the recipient's time zone with the
locale's own names. Apprise derives the email's text/plain part from the HTML, so the HTML spells out
its links (a plain-text reader sees the URLs).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

HERE = Path(__file__).parent
DEFAULT_LOCALE = "en"


@cache
def locales() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in (HERE / "locales").glob("*.toml")))


def locale_of(requested: str | None) -> str:
    """The locale a message is written in: ``es-MX`` -> ``es``; unknown -> English."""
    base = (requested or DEFAULT_LOCALE).replace("_", "-").split("-")[0].lower()
    return base if base in locales() else DEFAULT_LOCALE


@cache
def catalogue(locale: str) -> dict[str, Any]:
    with (HERE / "locales" / f"{locale}.toml").open("rb") as handle:
        return tomllib.load(handle)


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=False)


class Words:
    """A locale's words and date formats, as the templates use them."""

    def __init__(self, locale: str, zone: str) -> None:
        self.locale = locale_of(locale)
        self.words = catalogue(self.locale)
        self.fallback = catalogue(DEFAULT_LOCALE)
        self.zone = ZoneInfo(zone)

    def _lookup(self, section: str, key: str) -> str | None:
        for source in (self.words, self.fallback):
            found = source.get(section, {}).get(key)
            if found is not None:
                return found
        return None

    def t(self, key: str, **values: Any) -> str:
        """A sentence from ``[words]`` (or a ``kinds.<kind>.<part>`` key) with its values filled in."""
        if key.startswith("kinds."):
            _, kind, part = key.split(".")
            text = self.words["kinds"].get(kind, {}).get(part) or self.fallback["kinds"][kind][part]
        else:
            text = self._lookup("words", key) or key
        return text.format(**values)

    def status(self, status: str, substatus: str | None = None) -> str:
        detail = self._lookup("substatus", substatus or "")
        plain = self._lookup("status", status) or status.replace("_", " ")
        if not detail:
            return plain
        return f"{plain}, {detail}" if status == "delivered" else f"{plain} ({detail})"

    def day(self, value: date | datetime | str) -> str:
        """A day in words; a moment is first put in the recipient's zone."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        day = value.astimezone(self.zone).date() if isinstance(value, datetime) else value
        meta = self.words["meta"]
        month = meta["months"][day.month - 1]
        return meta["date"].format(weekday=meta["weekdays"][day.weekday()], month=month, day=day.day,
                                   month_short=month[:3])

    def short_day(self, value: date | datetime | str) -> str:
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        local = value.astimezone(self.zone) if isinstance(value, datetime) else value
        month = self.words["meta"]["months"][local.month - 1]
        return self.words["meta"]["short_date"].format(day=local.day, month=month, month_short=month[:3])

    def clock(self, value: datetime | str) -> str:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        local = moment.astimezone(self.zone)
        if self.words["meta"].get("time_12h"):
            return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
        return f"{local:%H:%M}"

    def moment(self, value: datetime | str) -> str:
        return f"{self.short_day(value)} {self.clock(value)}"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None


_NO_WINDOW = ("delivered", "out_for_delivery", "returning", "returned", "cancelled", "expired")


def parcel_facts(words: Words, kind: str, data: dict[str, Any]) -> dict[str, str]:
    """The sentences of a message about one parcel, in the recipient's words, zone and locale."""
    p = data["package"]
    e = p.get("estimated_delivery")
    facts = {"number": p["tracking_number"], "when": "", "when_short": "", "before": "", "scan": "", "status": words.t("status_line", status=words.status(p["status"], p["substatus"])),
             "carrier": words.t("carrier_number", carrier=(p.get("carrier") or "").upper(),
                                number=p["tracking_number"])}
    if p["status"] == "delivered" and p.get("delivered_at"):
        facts["when"] = words.t("delivered_at", date=words.day(p["delivered_at"]), time=words.clock(p["delivered_at"]))
        facts["when_short"] = words.t("delivered_at", date=words.short_day(p["delivered_at"]),
                                      time=words.clock(p["delivered_at"]))
    elif e and p["status"] not in _NO_WINDOW:
        facts["when_short"] = words.t("window_short", likely=words.short_day(e["likely"]))
        facts["when"] = words.t("window_one_day", likely=words.day(e["likely"])) if e["earliest"] == e["latest"] \
            else words.t("window", earliest=words.day(e["earliest"]), latest=words.day(e["latest"]),
                         likely=words.day(e["likely"]))
    if kind == "estimate_changed":
        facts["before"] = words.t("window_before", likely=words.day(data["previous_estimate"]["likely"]))
    scan = data.get("scan")
    if scan and scan.get("description"):
        loc = scan["location"]
        place = ", ".join(x for x in (loc.get("city"), loc.get("region")) if x) or loc.get("country") or "-"
        facts["scan"] = words.t("last_scan", description=scan["description"], place=place,
                                when=words.moment(scan["occurred_at"]))
    return facts


def digest_rows(words: Words, items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"line": words.t("digest_row", number=i["tracking_number"], carrier=(i.get("carrier") or "?").upper(),
                             status=words.status(i["status"], i["substatus"]), since=words.short_day(i["since"])),
             "track": i["track"]} for i in items]


NOTICE_KINDS = ("endpoint_disabled", "tiktok_connection")


def notice_lines(words: Words, kind: str, data: dict[str, Any]) -> list[str]:
    """A staff notice: what happened, then what to do about it."""
    if kind == "endpoint_disabled":
        endpoint = data["endpoint"]
        return [words.t("endpoint_disabled", url=endpoint["url"], reason=endpoint["reason"]),
                words.t("endpoint_enable", id=endpoint["id"])]
    connection = data["connection"]
    if connection["state"] == "expiring":
        when = connection.get("expires_at")
        first = words.t("tiktok_expiring", when=words.moment(when)) if when else words.t("tiktok_expiring_soon")
    else:
        first = words.t(f"tiktok_{connection['cause']}")
    return [first, words.t("tiktok_reconnect", shop_id=connection["shop_id"])]


def render(channel: str, payload: dict[str, Any], links: dict[str, str]) -> Rendered:
    """The subject and body of a message on ``channel`` (email: HTML; sms and chat: text)."""
    words = Words(payload.get("locale") or DEFAULT_LOCALE, payload.get("zone") or "UTC")
    kind = payload["kind"]
    context: dict[str, Any] = {"kind": kind, "shop": payload["shop"], "links": links, "t": words.t,
                               "lang": words.locale, "name": payload.get("name"), "notice": None}
    count = 0
    if kind == "exception_digest":
        context["rows"] = digest_rows(words, payload["items"])
        count = payload.get("total", len(payload["items"]))
        context["more"] = count - len(payload["items"])
    elif kind in NOTICE_KINDS:
        context["notice"] = notice_lines(words, kind, payload["data"])
    else:
        context["facts"] = parcel_facts(words, kind, payload["data"])
    context["count"] = count
    part = "subject_one" if count == 1 and kind == "exception_digest" else "subject"
    subject = words.t(f"kinds.{kind}.{part}", shop=payload["shop"], count=count)
    context["headline"] = words.t(f"kinds.{kind}.headline")
    environment = _environment()
    text = environment.get_template("sms.txt" if channel == "sms" else "chat.txt").render(context).strip()
    html = environment.get_template("email.html").render(context) if channel == "email" else None
    return Rendered(subject, text, html)


def page(template: str, locale: str, **values: Any) -> str:
    """A small HTML page (the unsubscribe answer) in the recipient's locale."""
    return _environment().get_template(template).render(lang=locale_of(locale), **values)
