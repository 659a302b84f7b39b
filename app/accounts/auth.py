"""Logging in and out: throttled credential checks and server-side sessions."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import LoginThrottle, User, UserSession
from app.dbtools import insert_for
from app.timeutil import utcnow

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is refreshed at most this often


class LoginRefusal(StrEnum):
    bad_credentials = "bad_credentials"
    locked = "locked"


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    lockout: timedelta  # the longest delay; it starts at FIRST_DELAY and doubles with each failure
    max_address_failures: int = 20  # from one client address, across usernames


FIRST_DELAY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_username(username: str) -> str:
    return username.strip().lower()[:64]


@dataclass(frozen=True)
class PasswordCheck:
    """A password checked before the login's transaction (hashing holds no connection and no lock)."""

    username: str  # normalized
    password_hash: str | None  # the stored hash it was checked against; None for an unknown user
    ok: bool
    upgraded_hash: str | None  # the same password hashed with the current parameters, when they changed


def stored_hash(session: Session, username: str) -> str | None:
    return session.exec(
        select(User.password_hash).where(col(User.username) == normalize_username(username))
    ).first()


def authenticate(
    session: Session, check: PasswordCheck, policy: ThrottlePolicy, client_address: str = ""
) -> User | LoginRefusal:
    """The active user with these credentials, or why not; unknown usernames take the same path.

    Failures are counted per (username, client address) and per client address, never per username
    alone: guessing from one place cannot lock the account's owner out from another. The throttle
    rows are locked before the outcome counts, so parallel guesses never pass the limit.
    """
    now, name = utcnow(), check.username
    pair = locked_throttle_row(
        session, pair_key(name, client_address), now, shown=name, address=client_address
    )
    place = locked_throttle_row(session, f"addr:{client_address}"[:64], now, address=client_address)
    if is_locked(pair, now) or is_locked(place, now):
        audit.record(session, None, "login.refused_locked", None, username=name)
        return LoginRefusal.locked
    user = session.exec(select(User).where(col(User.username) == name)).first()
    # The hash must still be the one checked: a password changed meanwhile is not accepted.
    if check.ok and user is not None and user.active and user.password_hash == check.password_hash:
        session.delete(pair)
        if check.upgraded_hash:
            user.password_hash = check.upgraded_hash
        audit.record(session, user.id, "login.success", user)
        return user
    count_failure(pair, now, policy)
    count_failure(place, now, ThrottlePolicy(policy.max_address_failures, policy.lockout))
    locked = is_locked(pair, now) or is_locked(place, now)
    audit.record(session, None, "login.lockout" if locked else "login.failure", user, username=name)
    return LoginRefusal.locked if locked else LoginRefusal.bad_credentials


def pair_key(username: str, client_address: str) -> str:
    return "pair:" + hashlib.sha256(f"{username}|{client_address}".encode()).hexdigest()[:40]


def is_locked(throttle: LoginThrottle, now: datetime) -> bool:
    return throttle.locked_until is not None and now < throttle.locked_until


def locked_throttle_row(
    session: Session, key: str, now: datetime, *, shown: str = "", address: str = ""
) -> LoginThrottle:
    session.execute(
        insert_for(session, LoginThrottle)
        .values(
            username=key,
            failures=0,
            window_started_at=now,
            shown_username=shown[:64],
            client_address=address[:64],
        )
        .on_conflict_do_nothing(index_elements=["username"])
    )
    return session.exec(select(LoginThrottle).where(LoginThrottle.username == key).with_for_update()).one()


def count_failure(throttle: LoginThrottle, now: datetime, policy: ThrottlePolicy) -> None:
    """Count a failure; from the threshold on, each one waits twice as long as the last (up to the cap)."""
    if throttle.failures and now - throttle.window_started_at > policy.lockout:
        throttle.failures = 0  # quiet for a whole lockout period: start again
    throttle.failures += 1
    throttle.window_started_at = now
    if throttle.failures >= policy.max_failures:
        delay = FIRST_DELAY * 2 ** min(throttle.failures - policy.max_failures, 16)
        throttle.locked_until = now + min(delay, policy.lockout)


def locked_keys(session: Session) -> list[LoginThrottle]:
    """The keys that are waiting out a delay now, longest wait first (what an admin may clear)."""
    now = utcnow()
    rows = session.exec(
        select(LoginThrottle)
        .where(col(LoginThrottle.locked_until) > now)
        .order_by(col(LoginThrottle.locked_until).desc())
    )
    return list(rows)


def clear_lock(session: Session, key: str, *, actor: User) -> None:
    throttle = session.get(LoginThrottle, key)
    if throttle is not None:
        audit.record(
            session,
            actor.id,
            "login.unlock",
            None,
            username=throttle.shown_username,
            client_address=throttle.client_address,
        )
        session.delete(throttle)


def start_session(session: Session, user: User, *, replacing: str | None = None) -> str:
    """A new opaque token for `user`; any session the browser had before is ended (rotation)."""
    if replacing:
        end_session(session, replacing)
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(UserSession(token_hash=hash_token(token), user_id=user.id))
    return token


def log_out(session: Session, token: str, user: User | None) -> None:
    if user is not None:
        audit.record(session, user.id, "logout", user)
    end_session(session, token)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(col(UserSession.token_hash) == hash_token(token)))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))


@dataclass(frozen=True)
class LoginTimes:
    """What a request needs of its login session: which one, and when it began and was last used."""

    id: int
    created_at: datetime
    last_seen_at: datetime


def find_session(session: Session, token: str) -> tuple[LoginTimes, User] | None:
    row = session.exec(_SESSION_BY_TOKEN, params={"token_hash": hash_token(token)}).first()
    return None if row is None else (LoginTimes(*row[:3]), row[3])


# Built once: every request with a login cookie runs it, and building it cost more than running it.
# The session's columns come as plain values: loading it as a second ORM object cost more than the query.
_SESSION_BY_TOKEN = (
    select(UserSession.id, UserSession.created_at, UserSession.last_seen_at, User)
    .join(User, col(User.id) == UserSession.user_id)
    .where(col(UserSession.token_hash) == bindparam("token_hash"))
)


def is_expired(user_session: LoginTimes, user: User, policy: SessionPolicy, now: datetime) -> bool:
    """Idle too long, open too long, or its user was deactivated."""
    idle = now - user_session.last_seen_at > policy.idle
    return idle or now - user_session.created_at > policy.absolute or not user.active


def needs_touch(user_session: LoginTimes, now: datetime) -> bool:
    return now - user_session.last_seen_at > TOUCH_EVERY


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    session.execute(update(UserSession).where(col(UserSession.id) == session_id).values(last_seen_at=now))


def delete_session(session: Session, session_id: int) -> None:
    session.execute(delete(UserSession).where(col(UserSession.id) == session_id))
