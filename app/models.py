"""Every table model, imported here so SQLModel's metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from app.accounts.models import Institution, LoginThrottle, Role, User, UserSession
from app.audit import AuditEntry
from app.courses.models import CourseAsset, CourseVersion

metadata = SQLModel.metadata

__all__ = ["AuditEntry", "CourseAsset", "CourseVersion", "Institution", "LoginThrottle", "Role", "User", "UserSession", "metadata"]
