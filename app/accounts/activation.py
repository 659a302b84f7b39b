"""One-time activation codes: how a person created by an admin or from a roster chooses a password.

Only the SHA-256 of a code is stored. A code is 8 characters from a 32-letter alphabet (40 bits),
expires after 72 hours unless configured otherwise (CASCADA_ACTIVATION_CODE_HOURS), and guessing is
throttled per username in the LoginThrottle table, so it works across workers.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.accounts import auth
from app.accounts.models import ActivationCode, LoginThrottle, User
from app.accounts.passwords import check_policy, hash_password
from app.timeutil import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, printed, typed on phones
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=72)


class Refusal(StrEnum):
    bad_code = "bad_code"
    locked = "locked"


@dataclass(frozen=True)
class CodeStatus:
    """What a trainer sees about a member's account: activated, or the pending code's expiry."""

    activated: bool
    expires_at: datetime | None = None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(typed: str) -> str:
    """What was typed, without dashes or spaces, in capitals (codes are read aloud and typed on phones)."""
    return "".join(c for c in typed.upper() if c in CODE_ALPHABET)[:64]


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def is_activated(user: User) -> bool:
    """A roster-created account has an empty (unusable) password hash until it is activated."""
    return bool(user.password_hash)


def issue(session: Session, user: User, *, actor: User | None, lifetime: timedelta = CODE_LIFETIME) -> str:
    """A fresh code for `user`, replacing any earlier one; the plain code is returned once, never stored."""
    session.execute(delete(ActivationCode).where(col(ActivationCode.user_id) == user.id))
    return issue_new(session, [user], actor=actor, lifetime=lifetime)[0]


def issue_new(
    session: Session, users: list[User], *, actor: User | None, lifetime: timedelta = CODE_LIFETIME
) -> list[str]:
    """Codes for accounts that have none yet (just created), in the order of `users`."""
    codes = [new_code() for _ in users]
    expires_at = utcnow() + lifetime
    actor_id = actor.id if actor else None
    session.add_all(
        ActivationCode(
            user_id=user.id or 0, code_hash=hash_code(code), created_by_id=actor_id, expires_at=expires_at
        )
        for user, code in zip(users, codes, strict=True)
    )
    return codes


def statuses(session: Session, users: list[User]) -> dict[int, CodeStatus]:
    """Activation status of each user, by id."""
    ids = [u.id for u in users if not is_activated(u)]
    codes = {
        c.user_id: c for c in session.exec(select(ActivationCode).where(col(ActivationCode.user_id).in_(ids)))
    }
    return {
        u.id or 0: CodeStatus(is_activated(u), codes[u.id].expires_at if u.id in codes else None)
        for u in users
    }


def activate(
    session: Session,
    hasher: PasswordHasher,
    username: str,
    code: str,
    password: str,
    policy: auth.ThrottlePolicy,
) -> User | Refusal:
    """Set the password of the code's holder and spend the code; refusals never say which part was wrong.

    The password policy is checked first (raising WeakPassword), so a weak password costs no attempt.
    """
    username = auth.normalize_username(username)
    check_policy(password, username=username)
    throttle = open_attempt(session, f"activate:{username}")
    if throttle is None:
        return Refusal.locked
    user = session.exec(select(User).where(User.username == username)).first()
    stored = session.get(ActivationCode, user.id) if user is not None else None
    if user is None or stored is None or not _matches(stored, code) or not user.active:
        return Refusal.locked if count_failure(throttle, policy) else Refusal.bad_code
    user.password_hash = hash_password(hasher, password)
    session.add(user)
    session.delete(stored)
    session.delete(throttle)
    return user


def _matches(stored: ActivationCode, code: str) -> bool:
    fresh = stored.expires_at > utcnow()
    return hmac.compare_digest(stored.code_hash, hash_code(code)) and fresh


def open_attempt(session: Session, key: str) -> LoginThrottle | None:
    """The throttle row for `key`, locked for this transaction; None while the key is locked out."""
    now = utcnow()
    throttle = auth.locked_throttle_row(session, key[:64], now)  # same table and rule as login
    if throttle.locked_until and now < throttle.locked_until:
        return None
    return throttle


def count_failure(throttle: LoginThrottle, policy: auth.ThrottlePolicy) -> bool:
    """Count a wrong guess; True when this one locks the key out."""
    auth.count_failure(throttle, utcnow(), policy)
    return throttle.locked_until is not None and throttle.locked_until > utcnow()
