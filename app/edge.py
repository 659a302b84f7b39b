"""The one ASGI layer every HTTP request meets first: its id, log line and Server-Timing, admission,
the body limit, the security headers and the audit origin.

One layer instead of five: each layer was a coroutine around the whole request and a wrapper around
every message of its response. The rules stay in their own modules (logs, admission, security,
audit); this module calls them in order.
"""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import admission, audit, logs, security


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int, hsts: bool) -> None:
        self.app, self.limit, self.hsts, self.in_flight = app, limit, hsts, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id, started, status = logs.request_id_of(scope), time.perf_counter(), 500
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_marked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                security.add_headers(headers, scope, hsts=self.hsts)
                headers += logs.timing_headers(request_id, started)
            await send(message)

        origin = audit.enter_origin(scope)
        try:
            await self._admit(scope, receive, send_marked)
        finally:
            audit.leave_origin(origin)
            logs.log_request(scope, request_id, status, started)

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        if security.declared_body_size(scope) > security.MAX_BODY_BYTES:
            await security.send_page(send, 413, security.TOO_LARGE)
        elif admission.exempt(scope):
            await self.app(scope, receive, send)
        elif self.in_flight >= self.limit:  # shedding load costs nothing: no thread, no query
            await security.send_page(send, 503, admission.BUSY, admission.BUSY_HEADERS)
        else:
            self.in_flight += 1  # one event loop per worker: no lock needed between check and count
            try:
                await self.app(scope, receive, send)
            finally:
                self.in_flight -= 1
