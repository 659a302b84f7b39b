"""Course versions: the exact content an attempt, grade or certificate was made with."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class CourseVersion(SQLModel, table=True):
    """One loaded state of `courses/<slug>/`; never changed after it is written."""

    __table_args__ = (UniqueConstraint("slug", "number"), UniqueConstraint("slug", "content_hash"))

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, index=True)
    number: int
    content_hash: str = Field(max_length=64)
    # see courses/files/sourcehash.py
    source_hash: str | None = Field(default=None, max_length=64, index=True)
    document: str = Field(sa_column=Column(Text, nullable=False))  # catalog.to_document as JSON
    loaded_at: datetime = Field(default_factory=utcnow)
    published: bool = Field(default=False, index=True)


class CourseAsset(SQLModel, table=True):
    """An image of a course version, served from the database so every worker has it."""

    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="courseversion.id", index=True)
    path: str = Field(max_length=200)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
