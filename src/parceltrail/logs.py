"""Logging for ``serve`` and ``worker``: text or one JSON object a line, job runs at DEBUG, secrets masked.

``PARCELTRAIL_LOG_FORMAT=json`` gives one JSON object per line (time, level, logger, message, any extra
fields the call passed, and the traceback), for log shippers; ``text`` (the default) is for people.
``PARCELTRAIL_LOG_LEVEL`` sets the level. Huey's per-run lines (a job executing, how long it took, a
periodic task enqueued) are DEBUG: the inbox drain runs every minute, and a line a minute at INFO buries
the lines that matter. Every line passes ``Redact`` on its way out: API keys, push secrets, bearer tokens,
credential fields and query values named like secrets are masked, and so is every secret the settings
hold, wherever a message or a traceback would have carried it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from parceltrail.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[redacted]"
_PER_RUN = frozenset({"Executing %s", "%s executed in %0.3fs", "Enqueueing periodic task %s.",
                      "Task %s expired, not executing."})
_PATTERNS = [
    re.compile(r"pt_[A-Za-z0-9_\-]{16,}"),
    re.compile(r"whsec_[A-Za-z0-9+/=]{8,}"),
    re.compile(r"(?i)(bearer\s+)[^\s'\",]+"),
    re.compile(r"(?i)((?<![A-Za-z0-9_])['\"]?(?:client_secret|secret|password|api_key|apikey|access_token|"
               r"refresh_token|token|app_secret|code)['\"]?\s*[:=]\s*['\"]?)[^&\s'\",}]+"),
]
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text


class Redact(logging.Filter):
    """Masks secrets in the formatted message and the traceback before any handler writes the record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        return True


class JobRunsAtDebug(logging.Filter):
    """Huey's one-line-per-run messages become DEBUG (and are dropped unless the level is DEBUG)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("huey") and record.levelno == logging.INFO and record.msg in _PER_RUN:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return self.level <= logging.DEBUG
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        body = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00",
                                                                                                         "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        body.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_text or record.exc_info:
            body["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(body, default=str, ensure_ascii=False)


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value the settings hold, to mask wherever it would appear."""
    found = [s.get_secret_value() for s in settings.hook_secrets.values()]
    for name in ("secret_key", "tiktok_app_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    return found


def configure_logging(settings: Settings, stream=None) -> logging.Handler:
    """Install the one root handler (replacing earlier ones); returns it. Used by ``serve`` and ``worker``."""
    level = logging.getLevelName(settings.log_level.upper())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines() if settings.log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(JobRunsAtDebug(level))
    handler.addFilter(Redact(settings_secrets(settings)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # a line per carrier request, webhook, email or SMTP connection is noise; the services log what matters
    for chatty in ("httpx", "apprise", "mail.log"):
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
    return handler
