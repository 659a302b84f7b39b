"""The second factor: a TOTP authenticator (RFC 6238) with ten single-use recovery codes.

A code is accepted once (the step it belongs to is remembered), one step early or late is allowed
for a phone's clock, and wrong guesses are throttled like passwords, per user.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import audit
from app.accounts import activation, auth
from app.accounts.models import PendingLogin, RecoveryCode, Role, SecondFactor, User
from app.timeutil import utcnow

ISSUER = "Cascada"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 16 of these: 80 bits, safe to keep as SHA-256
PENDING_LIFETIME = timedelta(minutes=10)


def required(user: User, admins_must: bool) -> bool:
    """Admins must have a second factor (unless a test or a local demo turned the rule off)."""
    return admins_must and user.role == Role.admin


def get_confirmed(session: Session, user_id: int) -> SecondFactor | None:
    factor = session.get(SecondFactor, user_id)
    return factor if factor is not None and factor.confirmed_at is not None else None


def enrolment_secret(session: Session, user: User) -> SecondFactor:
    """The unconfirmed authenticator being set up (the same secret until it is confirmed)."""
    factor = session.get(SecondFactor, user.id)
    if factor is None:
        factor = SecondFactor(user_id=user.id or 0, secret=pyotp.random_base32())
        session.add(factor)
    return factor


def provisioning_uri(factor: SecondFactor, user: User) -> str:
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// link as an inline SVG QR code (no script, no external image)."""
    import segno  # only the set-up page draws a QR code: the worker's memory

    return segno.make(uri, error="m").svg_inline(scale=4, title="otpauth", dark="#111", light="#fff")


def confirm(session: Session, user: User, code: str, policy: auth.ThrottlePolicy) -> list[str] | None:
    """Confirm the enrolment with a first code; the new recovery codes, shown once, or None if refused."""
    factor = session.get(SecondFactor, user.id)
    if (
        factor is None
        or factor.confirmed_at is not None
        or not _accept_totp(session, user, factor, code, policy)
    ):
        return None
    factor.confirmed_at = utcnow()
    session.add(factor)
    audit.record(session, user.id, "second_factor.enrol", user)
    return _new_recovery_codes(session, user)


def check(session: Session, user: User, code: str, policy: auth.ThrottlePolicy) -> bool:
    """A current authenticator code or an unused recovery code (which is then spent)."""
    factor = get_confirmed(session, user.id or 0)
    if factor is None:
        return False
    if not _normalize(code).isdigit():
        return _spend_recovery_code(session, user, code, policy)
    accepted = _accept_totp(session, user, factor, code, policy)
    if accepted:
        audit.record(session, user.id, "login.second_factor", user)
    return accepted


def _accept_totp(
    session: Session, user: User, factor: SecondFactor, code: str, policy: auth.ThrottlePolicy
) -> bool:
    throttle = activation.open_attempt(session, f"2fa:{user.id}")
    if throttle is None:
        return False
    step = _matching_step(factor.secret, _normalize(code), utcnow())
    if step is None or step <= factor.last_step:  # wrong, or already used: a code works once
        activation.count_failure(throttle, policy)
        return False
    factor.last_step = step
    session.add(factor)
    session.delete(throttle)
    return True


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        if len(code) == 6 and hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def _spend_recovery_code(session: Session, user: User, code: str, policy: auth.ThrottlePolicy) -> bool:
    throttle = activation.open_attempt(session, f"2fa:{user.id}")
    if throttle is None:
        return False
    found = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            col(RecoveryCode.used_at).is_(None),
        )
    ).first()
    if found is None:
        activation.count_failure(throttle, policy)
        return False
    found.used_at = utcnow()
    session.add(found)
    session.delete(throttle)
    audit.record(session, user.id, "second_factor.recovery_code_used", user)
    return True


def remaining_recovery_codes(session: Session, user_id: int) -> int:
    return len(
        session.exec(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None)
            )
        ).all()
    )


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    session.add_all(RecoveryCode(user_id=user.id or 0, code_hash=_hash(code)) for code in codes)
    return codes


def _normalize(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())[:64]


def _hash(code: str) -> str:
    return hashlib.sha256(_normalize(code).encode()).hexdigest()


def reset(session: Session, target: User, *, actor: User) -> None:
    """Remove a user's authenticator and recovery codes and end their sessions; they enrol again."""
    session.execute(delete(SecondFactor).where(col(SecondFactor.user_id) == target.id))
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == target.id))
    auth.end_all_sessions(session, target.id or 0)
    audit.record(session, actor.id, "second_factor.reset", target)


def start_pending(session: Session, user: User) -> str:
    """A short-lived token for a browser whose password was right and whose second step is due."""
    session.execute(delete(PendingLogin).where(col(PendingLogin.expires_at) < utcnow()))  # keep it small
    token = secrets.token_urlsafe(32)
    session.add(
        PendingLogin(
            token_hash=auth.hash_token(token), user_id=user.id or 0, expires_at=utcnow() + PENDING_LIFETIME
        )
    )
    return token


def pending_user(session: Session, token: str | None) -> User | None:
    if not token:
        return None
    pending = session.get(PendingLogin, auth.hash_token(token))
    if pending is None or pending.expires_at <= utcnow():
        return None
    user = session.get(User, pending.user_id)
    return user if user is not None and user.active else None


def end_pending(session: Session, token: str) -> None:
    session.execute(delete(PendingLogin).where(col(PendingLogin.token_hash) == auth.hash_token(token)))
