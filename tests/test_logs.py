"""The plain (non-JSON) request log still says which request it was and how it ended."""

import logging

from fastapi.testclient import TestClient

from app.logs import PlainFormatter


def test_a_plain_request_line_keeps_method_path_status_and_time(client: TestClient, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO, logger="cascada.request"):
        client.get("/login")

    line = PlainFormatter().format(next(r for r in caplog.records if r.name == "cascada.request"))

    assert "method=GET" in line and "path=/login" in line and "status=200" in line and " ms=" in line
