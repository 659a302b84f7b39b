"""Police headcounts per department, entered by an admin, so reach can be read as a share."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.timeutil import utcnow


class DepartmentHeadcount(SQLModel, table=True):
    department: str = Field(max_length=32, primary_key=True)  # a departments.DEPARTMENTS code
    officers: int
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int = Field(foreign_key="user.id")
