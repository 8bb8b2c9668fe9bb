"""One key=value line per request error on stdout (LOGGING in settings), for grep and shippers.

Django's ``django.request`` logger reports a failing request with its status and request; this
formatter turns that into ``event=request_error status=500 method=GET path=/x error=ValueError
message="…"`` on one line (the traceback still goes to stderr through the root logger).
"""

from __future__ import annotations

import logging


def fields(**values) -> str:
    """key=value pairs; values with spaces or quotes are quoted."""
    parts = []
    for key, value in values.items():
        text = "" if value is None else str(value)
        if not text or any(c in text for c in ' "=\n'):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


class RequestErrorFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        error = record.exc_info[1] if record.exc_info else None
        return fields(
            time=self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            event="request_error",
            status=getattr(record, "status_code", None),
            method=getattr(request, "method", None),
            path=getattr(request, "path", None),
            user=getattr(getattr(request, "user", None), "pk", None),
            error=type(error).__name__ if error else None,
            message=str(error)[:200] if error else record.getMessage()[:200],
        )


class JobFormatter(logging.Formatter):
    """The job lines are key=value already; put the time first."""

    def format(self, record: logging.LogRecord) -> str:
        return f"time={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} {record.getMessage()}"
