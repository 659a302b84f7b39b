"""Quiz attempts, their fixed questions, and saved answers; the limits live in the database."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class AttemptState(StrEnum):
    in_progress = "in_progress"
    finished = "finished"


class QuizAttempt(SQLModel, table=True):
    __table_args__ = (
        # Never more attempts than allowed: numbers are unique and capped per officer and quiz.
        UniqueConstraint("user_id", "course_slug", "quiz_id", "number"),
        CheckConstraint("max_attempts = 0 OR number <= max_attempts", name="attempt_limit"),
        # Never two attempts in progress for one officer and quiz.
        Index(
            "one_attempt_in_progress",
            "user_id",
            "course_slug",
            "quiz_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    course_slug: str = Field(max_length=80)
    quiz_id: str = Field(max_length=80)
    version_id: int = Field(foreign_key="courseversion.id")
    number: int
    max_attempts: int  # the quiz's limit when the attempt started; 0 = unlimited
    state: AttemptState = Field(default=AttemptState.in_progress, max_length=16)
    started_at: datetime = Field(default_factory=utcnow)
    deadline_at: datetime | None = None
    finished_at: datetime | None = None
    percent: float | None = None  # None until graded (open responses wait for an instructor)
    passed: bool | None = None


class AttemptSlot(SQLModel, table=True):
    """The question at one position of an attempt, with its option order, fixed at start."""

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="quizattempt.id", index=True, ondelete="CASCADE")
    position: int
    question_id: str = Field(max_length=80)
    option_order: str = Field(default="[]", max_length=400)  # JSON list of indexes
    points: float = 1


class Answer(SQLModel, table=True):
    """The officer's latest response at a position; saving the same answer twice keeps one row."""

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="quizattempt.id", index=True, ondelete="CASCADE")
    position: int
    response: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    saved_at: datetime = Field(default_factory=utcnow)
    fraction: float | None = None  # set at grading; None while an open response waits
    grader_id: int | None = Field(default=None, foreign_key="user.id")
    comment: str = Field(default="", max_length=2000)
    graded_at: datetime | None = None


class LateDecision(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class LateAnswer(SQLModel, table=True):
    """An answer that reached the server after the deadline plus grace: kept, never counted undecided.

    The device's journal sends it with its own sequence number and the monotonic time elapsed on
    the device since the attempt started, so the instructor can judge whether it was given in time.
    """

    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="quizattempt.id", index=True, ondelete="CASCADE")
    position: int
    response: str = Field(sa_column=Column(Text, nullable=False))  # JSON, as in Answer
    device_seq: int  # the journal entry's number: a replay of the same entry changes nothing
    elapsed_ms: int  # on the device, since the attempt started
    received_at: datetime = Field(default_factory=utcnow)
    decision: LateDecision = Field(default=LateDecision.pending, max_length=16)
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = None
