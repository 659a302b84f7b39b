"""Cohorts, their in-person sessions and attendance, practicum scores, and trainer certifications.

Who may see a cohort: admins; its lead and co-trainers (an officer-trainer only while a
certification for its courses is active). Officers see only their own rows. `deps.py` enforces it.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class CohortKind(StrEnum):
    officer_course = "officer_course"
    training_of_trainers = "training_of_trainers"


class MemberSource(StrEnum):
    roster = "roster"
    join_code = "join_code"
    manual = "manual"


class Cohort(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: CohortKind = Field(default=CohortKind.officer_course, max_length=24)
    department: str = Field(max_length=32, index=True)  # a departments.DEPARTMENTS code
    starts_on: date
    ends_on: date
    lead_id: int = Field(foreign_key="user.id", index=True)
    # The certification that allowed the lead to lead it; None for ISEPOL staff (the cascade's roots).
    # use_alter: cohort and certification refer to each other, so PostgreSQL adds this one afterwards.
    lead_certification_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("trainercertification.id", use_alter=True, name="fk_cohort_lead_certification"),
            index=True,
            nullable=True,
        ),
    )
    join_code: str | None = Field(default=None, max_length=16, unique=True)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class CohortCourse(SQLModel, table=True):
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    course_slug: str = Field(max_length=80, primary_key=True)
    due_on: date | None = None


class CohortInstitution(SQLModel, table=True):
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    institution_id: int = Field(foreign_key="institution.id", primary_key=True)


class CoTrainer(SQLModel, table=True):
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)


class CohortMember(SQLModel, table=True):
    cohort_id: int = Field(foreign_key="cohort.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    source: MemberSource = Field(default=MemberSource.manual, max_length=16)
    joined_at: datetime = Field(default_factory=utcnow)


class Meeting(SQLModel, table=True):
    """An in-person meeting of a cohort (a workshop day, a teach-back session)."""

    __tablename__ = "cohortsession"  # the class was CohortSession; the table and the audit log keep its name

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    starts_at: datetime
    hours: float
    place: str = Field(default="", max_length=200)
    topic: str = Field(default="", max_length=200)
    course_slug: str | None = Field(default=None, max_length=80)
    module_id: str | None = Field(default=None, max_length=80)
    sequence: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}
    )  # iCalendar SEQUENCE: +1 per change


class AttendanceStatus(StrEnum):
    """As on a paper roll; present and late count as attended hours, excused and absent do not."""

    present = "present"
    late = "late"
    excused = "excused"
    absent = "absent"

    @property
    def attended(self) -> bool:
        return self in (AttendanceStatus.present, AttendanceStatus.late)


class Attendance(SQLModel, table=True):
    """One officer at one session; set, not toggled, so a repeated tap changes nothing.

    `present` (attended: present or late) is what the hours count; `status` is what the roll says.
    """

    session_id: int = Field(foreign_key="cohortsession.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    present: bool
    status: str = Field(
        default=AttendanceStatus.present, max_length=16, sa_column_kwargs={"server_default": "present"}
    )  # an AttendanceStatus
    recorded_by_id: int = Field(foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class PracticumScore(SQLModel, table=True):
    """A scored teach-back; a trainee may deliver again, and any passing score counts."""

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True)
    course_slug: str = Field(max_length=80)
    version_id: int = Field(foreign_key="courseversion.id")
    levels: str = Field(sa_column=Column(Text, nullable=False))  # JSON: criterion id -> level score
    total: int
    passed: bool
    comment: str = Field(default="", max_length=4000)
    grader_id: int = Field(foreign_key="user.id")
    graded_at: datetime = Field(default_factory=utcnow)


class TrainerCertification(SQLModel, table=True):
    """The right to lead cohorts of one course, earned in a training-of-trainers cohort."""

    __table_args__ = (UniqueConstraint("user_id", "course_slug", "cohort_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    course_slug: str = Field(max_length=80)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)  # the ToT cohort it came from
    certified_by_id: int = Field(foreign_key="user.id")
    certified_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    revoked_by_id: int | None = Field(default=None, foreign_key="user.id")
    revoke_reason: str = Field(default="", max_length=500)
