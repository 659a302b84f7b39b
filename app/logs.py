"""Structured logs: one line per request (JSON, or plain text), each with a request id echoed to the
client."""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import Scope

log = logging.getLogger("cascada.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """`INFO cascada.request request method=POST path=/login status=303 ms=12.5 ...`: the same fields,
    readable."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{name}={value}" for name, value in getattr(record, "fields", {}).items())
        line = f"{record.levelname} {record.name} {record.getMessage()}" + (f" {fields}" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(json_lines: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else PlainFormatter())
    root = logging.getLogger("cascada")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


def request_id_of(scope: Scope) -> str:
    """The id a proxy sent in X-Request-ID when it is safe to log, else a new one."""
    incoming = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"x-request-id"), "")
    return incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex[:16]


def timing_headers(request_id: str, started: float) -> list[tuple[bytes, bytes]]:
    """The request id echoed to the client, and the server's time so far (Server-Timing)."""
    elapsed = (time.perf_counter() - started) * 1000
    return [(b"x-request-id", request_id.encode()), (b"server-timing", f"app;dur={elapsed:.1f}".encode())]


def log_request(scope: Scope, request_id: str, status: int, started: float) -> None:
    user = scope["state"].get("user")
    log.info(
        "request",
        extra={
            "fields": {
                "request_id": request_id,
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(user, "id", None),
            }
        },
    )
