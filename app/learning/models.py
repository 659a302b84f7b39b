"""Enrolments, progress through items, and completion: an officer's place in a course."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class Enrollment(SQLModel, table=True):
    """An officer in a course; pinned to a version so attempts and certificates mean one content."""

    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    course_slug: str = Field(max_length=80, index=True)
    version_id: int = Field(foreign_key="courseversion.id")
    enrolled_at: datetime = Field(default_factory=utcnow)
    due_on: date | None = None  # set by a cohort: a calendar day in Asunción, overdue from the next day
    completed_at: datetime | None = None  # recorded once, when the completion rules first hold


class ItemProgress(SQLModel, table=True):
    """A lesson or case marked as read; keyed by the item's stable id so it survives new versions."""

    __table_args__ = (UniqueConstraint("enrollment_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True, ondelete="CASCADE")
    item_id: str = Field(max_length=80)
    completed_at: datetime = Field(default_factory=utcnow)
