"""Engines and transactions: the only place that opens a transaction and the only place that commits.

The allowed ways to open a transaction (nothing else may create a `Session` or call `engine.connect()`):

1. `SessionDep` in a route: one transaction per request, committed when the route returns and
   rolled back if it raises. GET/HEAD/OPTIONS read; every other method writes (on SQLite it starts
   with BEGIN IMMEDIATE, after waiting its turn in `write_turn`, which holds no thread and no
   connection while it waits).
2. `write_after(session)` in a GET route that must write (finishing an overdue attempt, counting a
   miss): the request's read transaction ends first (its connection goes back to the pool), then a
   write transaction of its own runs; the request session may be read again afterwards.
3. `await run_write(engine, function, *args)` in an `async def` route on the hot path (saving an
   answer): `function(session, *args)` runs in ONE worker thread inside one write transaction,
   BEGIN to COMMIT; the route holds no session of its own. On SQLite the writes that arrive
   meanwhile are committed together, each in a savepoint (group commit: one fsync per batch).
4. `transaction(engine, write=...)` outside a request's transaction: middleware before the route
   runs, background tasks, the CLI, scripts and tests. `reading(engine)`, for code that renders
   (the navigation's counts), reads through the request's own session when there is one and
   through `transaction()` otherwise.

Why: a request never holds two pooled connections, and nothing waits for a connection, a lock or
SQLite's write turn while holding one (the hold-and-wait that stalled exam day). `transaction()`
refuses, with `HoldAndWait`, to open while the current request's session holds a connection.
Every connection is taken in a worker thread, so a pool at least as large as the thread limit
keeps checkouts short (commits run on threads of their own, `_ender`, so a route thread never
waits for a commit that waits for a route thread); `configure_threads` sets the limit and checks
the pool at start-up.
"""

import asyncio
import contextvars
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar, cast

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 15000
# Python runs one thread at a time: more threads add no CPU, only hand-offs of the interpreter lock.
# Four served the lesson page 7 % faster than sixteen and the quiz page 16 %, with a lower p95 answer
# save under the exam stress (bench/README.md), and still leave room for a slow report or a database wait.
DEFAULT_THREADS = 4
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


class HoldAndWait(RuntimeError):
    """A second transaction was opened while the request's own still holds a connection."""


class PoolTooSmall(RuntimeError):
    """The pool has fewer connections than there are threads that may each hold one."""


# Each pooled connection keeps its own page cache (2 MiB by default): with one connection per page
# thread that was up to 32 MiB of a worker's memory. The operating system's file cache is shared and
# holds the same pages; a smaller cache per connection costs a read call, not a disk read.
SQLITE_CACHE_KIB = 512


def make_engine(url: str, *, pool_size: int = DEFAULT_THREADS) -> Engine:
    """An engine whose pool holds `pool_size` connections: one per worker thread, never more wanted."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool_size)
    return create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=5, pool_pre_ping=True)


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 15},
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=5,
    )

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
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers queue on busy_timeout instead
        # of failing with "database is locked" when a read transaction tries to upgrade.
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def pool_capacity(engine: Engine) -> int:
    pool = engine.pool
    return pool.size() + max(0, pool._max_overflow) if isinstance(pool, QueuePool) else 1 << 30  # noqa: SLF001


def configure_threads(engine: Engine, threads: int) -> None:
    """Run sync routes on `threads` threads, provided the pool has a connection for each (at start-up)."""
    if pool_capacity(engine) < threads:
        raise PoolTooSmall(
            f"the database pool holds {pool_capacity(engine)} connections for {threads} threads"
        )
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def writer(engine: Engine) -> Engine:
    """The same engine, its transactions starting as writers (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(write=True)


# The current request's session, seen by the threads its route runs in (anyio copies the context).
_request_session: ContextVar[Session | None] = ContextVar("request_session", default=None)


def _refuse_hold_and_wait() -> None:
    held = _request_session.get()
    if held is not None and held.in_transaction():
        raise HoldAndWait(
            "the request's transaction still holds a connection: use write_after(session), "
            "or do the work in the request's own session"
        )


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session to read from while rendering: the request's own when there is one (never a second
    connection), else a read transaction of its own."""
    held = _request_session.get()
    if held is not None:
        yield held
        return
    with transaction(engine) as session:
        yield session


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session whose work is committed on a clean exit and rolled back on an exception."""
    _refuse_hold_and_wait()
    with Session(writer(engine) if write else engine, expire_on_commit=False) as session:
        yield session
        session.commit()


@contextmanager
def write_after(session: Session) -> Iterator[Session]:
    """End the request's read transaction, then write in one of its own (for GET routes that must write)."""
    if session.get_bind().get_execution_options().get("write", False):
        raise HoldAndWait("a writing request writes in its own session")
    session.commit()  # a read: nothing to keep; the connection goes back to the pool
    with transaction(session.get_bind(), write=True) as own:  # type: ignore[arg-type]
        yield own


_write_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = (
    weakref.WeakKeyDictionary()
)


async def _write_turn(request: Request) -> AsyncIterator[None]:
    """Requests that write to SQLite queue here, first come first served, without holding a thread.

    SQLite allows one writer; its busy handler polls with sleeps of up to 100 ms, which under
    load turns a 5 ms write into seconds of waiting. Other processes still meet busy_timeout.
    """
    if request.method in SAFE_METHODS:
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


_enders: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]" = (
    weakref.WeakKeyDictionary()
)


def _ender() -> anyio.CapacityLimiter:
    """Threads that only commit or roll back, apart from the route threads.

    A finished route holds its connection (and on PostgreSQL its row locks) until it commits; if
    the commit waited for a route thread, while every route thread waited for that row lock, the
    worker would deadlock. Commits get threads of their own, as many as there are route threads.
    """
    loop = asyncio.get_running_loop()
    if loop not in _enders:
        _enders[loop] = anyio.CapacityLimiter(anyio.to_thread.current_default_thread_limiter().total_tokens)
    return _enders[loop]


def _write_in_thread(engine: Engine, function: Callable[..., T], args: tuple[Any, ...]) -> T:
    with transaction(engine, write=True) as session:
        return function(session, *args)


async def run_write(engine: Engine, function: Callable[..., T], *args: Any) -> T:
    """`function(session, *args)` in a write transaction run in one thread, with no await between BEGIN
    and COMMIT: SQLite's single writer (PostgreSQL's row locks) are held for the work and nothing else.

    On SQLite the writes waiting meanwhile are committed together (`_GroupCommit`): one fsync for
    the batch instead of one per answer. Each runs in a savepoint of its own, so one refused write
    (a DomainError) leaves the others in; nobody hears "saved" before the COMMIT has returned.
    """
    if engine.dialect.name != "sqlite":
        return await anyio.to_thread.run_sync(_write_in_thread, engine, function, args)
    group = _groups.setdefault(asyncio.get_running_loop(), {}).setdefault(engine, _GroupCommit(engine))
    return await group.submit(function, args)


MAX_BATCH = 100
Waiting = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


class _GroupCommit:
    """This worker's writes waiting for SQLite, committed a batch at a time in the write turn."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.waiting, self.draining = engine, cast(list[Waiting], []), False

    async def submit(self, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self.waiting.append((function, args, future))
        if not self.draining:
            self.draining = True  # the drain runs in a context of its own, not the first request's
            self.task = asyncio.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                async with write_turn(self.engine):
                    batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                    try:
                        outcomes = await anyio.to_thread.run_sync(_write_batch, self.engine, batch)
                    except BaseException as error:  # the COMMIT failed: nothing in the batch was saved
                        outcomes = [(False, error)] * len(batch)
                for (_, _, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(value) if ok else future.set_exception(value)
        finally:
            self.draining = False


def _write_batch(engine: Engine, batch: list[Waiting]) -> list[tuple[bool, Any]]:
    outcomes: list[tuple[bool, Any]] = []
    with transaction(engine, write=True) as session:
        for function, args, _ in batch:
            try:
                with session.begin_nested():
                    outcomes.append((True, function(session, *args)))
            except Exception as error:
                outcomes.append((False, error))
    return outcomes


_groups: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Engine, _GroupCommit]]" = (
    weakref.WeakKeyDictionary()
)


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
    finally:
        session.close()


async def get_session(
    request: Request, _turn: Annotated[None, Depends(_write_turn, scope="function")]
) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back if it raises.

    Async so that the request's session is visible (a context variable) to the threads the route
    runs in; the session itself is only used in those threads, and so are commit and close.
    """
    engine = request.app.state.engine
    session = Session(engine if request.method in SAFE_METHODS else writer(engine), expire_on_commit=False)
    _request_session.set(session)
    ok = False
    try:
        yield session
        ok = True
    finally:
        _request_session.set(None)
        if request.method in SAFE_METHODS and engine.dialect.name == "sqlite":
            _end(session, ok)  # ending a read in WAL mode waits for no lock and no disk: no thread hop
        else:
            with anyio.CancelScope(shield=True):  # a cancelled request still returns its connection
                await anyio.to_thread.run_sync(_end, session, ok, limiter=_ender())


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
