"""Users, institutions, server-side sessions and login throttling."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import event
from sqlmodel import Field, SQLModel, col

from app import names
from app.timeutil import utcnow


class Role(StrEnum):
    officer = "officer"
    instructor = "instructor"
    admin = "admin"
    commission = "commission"  # a Departmental Commission member: aggregate figures of one department


class Sex(StrEnum):
    """As the person states it; None on the user means "not stated" (the foreign-assistance indicators count
    it so)."""

    female = "female"
    male = "male"


class Institution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    active: bool = True


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)  # stored lowercase
    full_name: str = Field(max_length=200)
    # full_name folded for accent-insensitive search and ordering (names.py); kept in step by the
    # listener below and, for bulk inserts, by the column default.
    name_key: str = Field(
        default="",
        max_length=200,
        index=True,
        sa_column_kwargs={"default": names.name_key_default, "server_default": ""},
    )
    national_id: str | None = Field(default=None, max_length=20, unique=True)  # cédula
    rank: str = Field(default="", max_length=80)
    institution_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    department: str | None = Field(default=None, max_length=32, index=True)  # a departments.DEPARTMENTS code
    role: Role = Field(default=Role.officer, max_length=16, index=True)
    sex: Sex | None = Field(default=None, max_length=8)
    language: str = Field(default="es", max_length=5)
    active: bool = True
    password_hash: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


# Lists of people: by folded name (Óscar with the O's), then as written, then by id for a stable order.
BY_NAME = (col(User.name_key), col(User.full_name), col(User.id))


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fold_name(mapper: object, connection: object, user: User) -> None:
    user.name_key = names.folded(user.full_name)


class UserSession(SQLModel, table=True):
    """A login: the browser holds an opaque token, we keep only its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


class LoginThrottle(SQLModel, table=True):
    """Failed guesses per key (a username and client address, a client address, a second factor...),
    shared by every worker through the database. `username` is the key; the other two say what it is."""

    username: str = Field(max_length=64, primary_key=True)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow)  # the last failure, once there is one
    locked_until: datetime | None = None
    shown_username: str = Field(default="", max_length=64)
    client_address: str = Field(default="", max_length=64)


class ActivationCode(SQLModel, table=True):
    """A one-time code that lets a user created from a roster choose a password; only its hash is kept."""

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class SecondFactor(SQLModel, table=True):
    """A user's TOTP authenticator (RFC 6238); unconfirmed until a first code proves the enrolment."""

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    secret: str = Field(max_length=64)  # base32
    confirmed_at: datetime | None = None
    last_step: int = 0  # the last 30-second step a code was accepted for: a code works once


class RecoveryCode(SQLModel, table=True):
    """One of ten single-use codes for when the authenticator is lost; only the SHA-256 is kept."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = None


class PendingLogin(SQLModel, table=True):
    """A password that was right, waiting for the second factor (or its enrolment) for a few minutes."""

    token_hash: str = Field(max_length=64, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    expires_at: datetime
