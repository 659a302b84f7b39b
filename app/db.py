"""Engines and the per-request session: the only place that commits."""

import asyncio
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 15000


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL fsyncs the WAL at every commit. NORMAL would already survive kill -9 (the WAL
        # is in the OS cache before COMMIT returns), but not a power cut on a station PC;
        # an acknowledged quiz answer must survive both.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers queue on busy_timeout instead
        # of failing with "database is locked" when a read transaction tries to upgrade.
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, its transactions starting as writers (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(write=True)


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session whose work is committed on a clean exit and rolled back on an exception."""
    with Session(writer(engine) if write else engine, expire_on_commit=False) as session:
        yield session
        session.commit()


_short_writers: dict[str, threading.Lock] = {}


@contextmanager
def short_write(engine: Engine) -> Iterator[Session]:
    """A brief write transaction; on SQLite these queue on a lock instead of SQLite's sleep-polling.

    Safe only because the lock is taken and released in one thread with no await in between.
    """
    lock = _short_writers.setdefault(str(engine.url), threading.Lock()) if engine.dialect.name == "sqlite" \
        else contextlib.nullcontext()
    with lock, transaction(engine, write=True) as session:
        yield session


_write_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = weakref.WeakKeyDictionary()


async def _write_turn(request: Request) -> AsyncIterator[None]:
    """Requests that write to SQLite queue here, first come first served, without holding a thread.

    SQLite allows one writer; its busy handler polls with sleeps of up to 100 ms, which under
    load turns a 5 ms write into seconds of waiting. Other processes still meet busy_timeout.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        yield
        return
    async with write_turn(request.app.state.engine):
        yield


@asynccontextmanager
async def write_turn(engine: Engine) -> AsyncIterator[None]:
    """Wait for this process's turn to write to SQLite (no wait on other databases)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    async with _write_turns.setdefault(asyncio.get_running_loop(), asyncio.Lock()):
        yield


def get_session(
    request: Request, _turn: Annotated[None, Depends(_write_turn, scope="function")]
) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back if it raises."""
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    with transaction(request.app.state.engine, write=write) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A read transaction for a POST whose only write is short and made by its service in its own."""
    with transaction(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
