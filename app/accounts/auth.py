"""Logging in and out: throttled credential checks and server-side sessions."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlmodel import Session, select

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
    lockout: timedelta


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
    return session.exec(select(User.password_hash).where(User.username == normalize_username(username))).first()


def authenticate(session: Session, check: PasswordCheck, policy: ThrottlePolicy) -> User | LoginRefusal:
    """The active user with these credentials, or why not; unknown usernames take the same path.

    The throttle row is locked before the outcome counts, so parallel guesses never pass the limit.
    """
    now = utcnow()
    throttle = _locked_throttle_row(session, check.username, now)
    if throttle.locked_until and now < throttle.locked_until:
        return LoginRefusal.locked
    user = session.exec(select(User).where(User.username == throttle.username)).first()
    # The hash must still be the one checked: a password changed meanwhile is not accepted.
    if check.ok and user is not None and user.active and user.password_hash == check.password_hash:
        session.delete(throttle)
        if check.upgraded_hash:
            user.password_hash = check.upgraded_hash
        return user
    _count_failure(throttle, now, policy)
    return LoginRefusal.locked if throttle.locked_until else LoginRefusal.bad_credentials


def _locked_throttle_row(session: Session, username: str, now: datetime) -> LoginThrottle:
    session.execute(
        insert_for(session, LoginThrottle)
        .values(username=username, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["username"])
    )
    return session.exec(
        select(LoginThrottle).where(LoginThrottle.username == username).with_for_update()
    ).one()


def _count_failure(throttle: LoginThrottle, now: datetime, policy: ThrottlePolicy) -> None:
    if now - throttle.window_started_at > policy.lockout:
        throttle.failures, throttle.window_started_at = 0, now
    throttle.failures += 1
    if throttle.failures >= policy.max_failures:
        throttle.locked_until = now + policy.lockout
        throttle.failures, throttle.window_started_at = 0, now


def start_session(session: Session, user: User, *, replacing: str | None = None) -> str:
    """A new opaque token for `user`; any session the browser had before is ended (rotation)."""
    if replacing:
        end_session(session, replacing)
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(UserSession(token_hash=hash_token(token), user_id=user.id))
    return token


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def end_all_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def find_session(session: Session, token: str) -> tuple[UserSession, User] | None:
    return session.exec(  # type: ignore[return-value]
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == hash_token(token))
    ).first()


def is_expired(user_session: UserSession, user: User, policy: SessionPolicy, now: datetime) -> bool:
    """Idle too long, open too long, or its user was deactivated."""
    idle = now - user_session.last_seen_at > policy.idle
    return idle or now - user_session.created_at > policy.absolute or not user.active


def needs_touch(user_session: UserSession, now: datetime) -> bool:
    return now - user_session.last_seen_at > TOUCH_EVERY


def touch_session(session: Session, session_id: int, now: datetime) -> None:
    session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


def delete_session(session: Session, session_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.id == session_id))
