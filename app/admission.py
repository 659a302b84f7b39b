"""Admission control: past a bounded number of requests in flight, a worker answers 503 at once.

A request admitted past the worker's capacity would only wait in a queue (for a thread, SQLite's
write turn, a connection) until its client gave up. Refusing it within a millisecond, with
Retry-After, keeps the admitted requests fast and lets clients come back (the quiz page keeps the
answer and retries). `/healthz` is always admitted, so a load balancer sees a live worker.
"""

from starlette.types import Scope

RETRY_AFTER_SECONDS = 2
ALWAYS_ADMITTED = frozenset({"/healthz"})
BUSY = (
    '<!doctype html><html lang="es"><meta charset="utf-8"><title>503</title>'
    "<h1>El servidor está ocupado / The server is busy</h1>"
    "<p>Su respuesta no se perdió: intente de nuevo en unos segundos. / "
    "Nothing was lost: try again in a few seconds.</p></html>"
).encode()
BUSY_HEADERS = (
    (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
    (b"cache-control", b"no-store"),
    # The request's body is left unread, so the connection cannot carry another.
    (b"connection", b"close"),
)


def exempt(scope: Scope) -> bool:
    """Static files and the health check are always admitted: they hold no thread and no connection."""
    return scope["path"] in ALWAYS_ADMITTED or scope["path"].startswith("/static/")
