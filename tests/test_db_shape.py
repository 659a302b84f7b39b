"""app/db.py's shape: a request cannot hold one connection and wait for another."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.db import (
    HoldAndWait,
    PoolTooSmall,
    SessionDep,
    configure_threads,
    make_engine,
    read,
    read_page,
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

    @app.get("/read-page-that-writes")
    @read_page
    def read_page_that_writes(request: Request, session: Session) -> None:
        session.execute(text("CREATE TABLE written (n INTEGER)"))

    yield app
    app.state.engine.dispose()


def test_opening_a_second_transaction_while_the_requests_holds_a_connection_is_refused(tiny: FastAPI) -> None:
    with TestClient(tiny) as client, pytest.raises(HoldAndWait):
        client.get("/second-transaction")


def test_a_get_route_writes_after_ending_its_read(tiny: FastAPI) -> None:
    with TestClient(tiny) as client:
        assert client.get("/write-after-read").json() == {"n": 3}


def test_a_read_page_that_tries_to_write_fails_and_writes_nothing(tiny: FastAPI) -> None:
    # On SQLite a read page runs on the event loop: a write there would wait for the write lock.
    with TestClient(tiny) as client, pytest.raises(DBAPIError, match="(?i)read.?only"):
        client.get("/read-page-that-writes")
    assert "written" not in inspect(tiny.state.engine).get_table_names()


def test_on_sqlite_a_read_runs_on_the_event_loop_unless_route_threads_are_busy(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=2)

    def where(session: Session) -> str:
        session.execute(text("SELECT 1"))
        return threading.current_thread().name

    async def reads() -> tuple[str, str, str]:
        loop_thread = threading.current_thread().name
        idle = await read(engine, where)
        limiter, route_thread = anyio.to_thread.current_default_thread_limiter(), object()
        limiter.acquire_on_behalf_of_nowait(route_thread)  # a route thread at work
        try:
            busy = await read(engine, where)
        finally:
            limiter.release_on_behalf_of(route_thread)
        return loop_thread, idle, busy

    try:
        with ThreadPoolExecutor(1) as thread:
            loop_thread, idle, busy = thread.submit(anyio.run, reads).result()
    finally:
        engine.dispose()

    assert busy != loop_thread  # always a worker thread on PostgreSQL; on SQLite while threads work
    assert (idle == loop_thread) == engine.dialect.name.startswith("sqlite")


def test_a_pool_smaller_than_the_thread_limit_is_refused_at_start_up(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=2)

    async def start() -> None:
        configure_threads(engine, 3)

    try:  # in a thread of its own: a browser test may have left an event loop on this one
        with ThreadPoolExecutor(1) as thread, pytest.raises(PoolTooSmall):
            thread.submit(anyio.run, start).result()
    finally:
        engine.dispose()
