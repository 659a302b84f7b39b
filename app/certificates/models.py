"""Certificates, their serial counters, and the throttle that keeps /verify from being enumerated.

Who may see a certificate: its holder and admins, in full; anyone holding its public id, the
few facts the verification page shows. Issuing and revoking: admins only (`manage_certificates`).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class CertificateKind(StrEnum):
    course = "course"  # completed a course
    trainer = "trainer"  # certified trainer, issued with a trainer certification


class Status(StrEnum):
    valid = "valid"
    revoked = "revoked"
    expired = "expired"


class Certificate(SQLModel, table=True):
    """One officer's certificate for one course version; issuing again returns this row."""

    __table_args__ = (UniqueConstraint("user_id", "version_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=40, unique=True)  # ISEPOL-2026-000123, for people
    public_id: str = Field(max_length=43, unique=True)  # 256 random bits, for the verification URL
    status_index: int = Field(unique=True)  # this certificate's bit in the revocation status list
    kind: CertificateKind = Field(default=CertificateKind.course, max_length=16)
    user_id: int = Field(foreign_key="user.id", index=True)
    course_slug: str = Field(max_length=80, index=True)
    version_id: int = Field(foreign_key="courseversion.id")
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", index=True)
    trainer_certification_id: int | None = Field(default=None, foreign_key="trainercertification.id")
    completed_at: datetime
    issued_at: datetime = Field(default_factory=utcnow)
    issued_by_id: int = Field(foreign_key="user.id")
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by_id: int | None = Field(default=None, foreign_key="user.id")
    revoke_reason: str = Field(default="", max_length=500)
    reason_public: bool = False  # the admin chose to show the reason on the verification page

    def status(self, now: datetime) -> Status:
        """Revoked wins over expired: a revoked certificate says so even after its validity ends."""
        if self.revoked_at is not None:
            return Status.revoked
        if self.expires_at is not None and self.expires_at <= now:
            return Status.expired
        return Status.valid


class CertificateCounter(SQLModel, table=True):
    """The last number handed out per prefix and year, incremented inside the issuing transaction.

    A failed issue rolls its increment back with everything else, so numbers have no gaps, and
    the row lock (PostgreSQL) or the single writer (SQLite) makes concurrent issuers queue.
    """

    prefix: str = Field(max_length=24, primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class VerifyThrottle(SQLModel, table=True):
    """Unknown certificate ids asked for per client (a keyed hash of the IP), shared by every worker."""

    client: str = Field(max_length=64, primary_key=True)
    misses: int = 0
    window_started_at: datetime = Field(default_factory=utcnow)
