"""Password hashing (Argon2id) and the password policy (NIST SP 800-63B: length, not composition)."""

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.errors import DomainError
from app.i18n import N_

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases are welcome; unbounded input is not
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


class WeakPassword(DomainError):
    status_code = 422


def make_hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


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
