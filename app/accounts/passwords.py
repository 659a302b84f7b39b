"""Password hashing (Argon2id) and the password policy (NIST SP 800-63B: length, not composition).

Hashing costs tens of milliseconds of CPU and 19 MiB: it runs in a thread (`off_loop`), a couple
at a time per worker, never on the event loop and never inside a database transaction.
"""

import asyncio
import gzip
import secrets
import weakref
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import DomainError
from app.i18n import N_

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases are welcome; unbounded input is not
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


class WeakPassword(DomainError):
    status_code = 422


class HashingBusy(DomainError):
    """More logins at once than this worker hashes in a moment: come back in a few seconds."""

    status_code = 503
    headers = {"Retry-After": "2"}


HASHES_AT_ONCE = 2  # per worker: one per core, and at most 2 x 19 MiB of hashing memory
HASHES_WAITING = 16  # per worker: past this queue a login is told to come back (503), not kept waiting
T = TypeVar("T")


def make_hasher(time_cost: int, memory_kib: int, parallelism: int = 1) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_and_upgrade(
    hasher: PasswordHasher, password_hash: str | None, password: str
) -> tuple[bool, str | None]:
    """Whether the password matches, and its new hash when the stored one was made with other parameters.

    Without a stored hash (unknown user) a dummy hash is checked, so both cost the same time.
    """
    if password_hash is None:
        verify_password(hasher, _dummy_hash(hasher), password)
        return False, None
    if not verify_password(hasher, password_hash, password):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


_limiters: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter]" = (
    weakref.WeakKeyDictionary()
)


async def off_loop(function: Callable[..., T], *args: object) -> T:
    """Run a hashing function in a thread, at most HASHES_AT_ONCE at a time in this worker.

    A login past HASHES_WAITING in the queue gets HashingBusy (503 + Retry-After) at once: a burst
    of logins then costs each a short wait or a retry, not a queue of seconds holding request slots.
    """
    limiter = _limiters.setdefault(asyncio.get_running_loop(), anyio.CapacityLimiter(HASHES_AT_ONCE))
    if limiter.statistics().tasks_waiting >= HASHES_WAITING:
        raise HashingBusy(N_("Muchas personas están entrando a la vez. Intente de nuevo en unos segundos."))
    return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def check_policy(password: str, *, username: str = "") -> None:
    """Refuse short, overlong, common or username-equal passwords; accept anything else unchanged."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(N_("La contraseña debe tener al menos %(min)s caracteres."), min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(N_("La contraseña puede tener como máximo %(max)s caracteres."), max=MAX_LENGTH)
    lowered = password.lower().strip()
    if lowered in _common_passwords() or (username and lowered == username.lower()):
        raise WeakPassword(N_("Esa contraseña es demasiado común. Elija otra, por ejemplo una frase."))
