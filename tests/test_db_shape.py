"""app/db.py's shape: a request cannot hold one connection and wait for another."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import (
    HoldAndWait,
    PoolTooSmall,
    SessionDep,
    configure_threads,
    make_engine,
    transaction,
    write_after,
)


@pytest.fixture
def tiny(database_url: str) -> Iterator[FastAPI]:
    app = FastAPI()
    app.state.engine = make_engine(database_url, pool_size=2)

    @app.get("/second-transaction")
    def second_transaction(session: SessionDep) -> dict[str, int]:
        session.execute(text("SELECT 1"))
        with transaction(app.state.engine, write=True) as other:  # the hold-and-wait: refused
            return {"n": other.execute(text("SELECT 2")).scalar_one()}

    @app.get("/write-after-read")
    def write_after_read(session: SessionDep) -> dict[str, int]:
        session.execute(text("SELECT 1"))
        with write_after(session) as own:
            written = own.execute(text("SELECT 2")).scalar_one()
        return {"n": written + session.execute(text("SELECT 1")).scalar_one()}

    yield app
    app.state.engine.dispose()


def test_opening_a_second_transaction_while_the_requests_holds_a_connection_is_refused(tiny: FastAPI) -> None:
    with TestClient(tiny) as client, pytest.raises(HoldAndWait):
        client.get("/second-transaction")


def test_a_get_route_writes_after_ending_its_read(tiny: FastAPI) -> None:
    with TestClient(tiny) as client:
        assert client.get("/write-after-read").json() == {"n": 3}


def test_a_pool_smaller_than_the_thread_limit_is_refused_at_start_up(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=2)

    async def start() -> None:
        configure_threads(engine, 3)

    try:  # in a thread of its own: a browser test may have left an event loop on this one
        with ThreadPoolExecutor(1) as thread, pytest.raises(PoolTooSmall):
            thread.submit(anyio.run, start).result()
    finally:
        engine.dispose()
