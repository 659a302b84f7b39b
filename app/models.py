"""Every table model, imported here so SQLModel's metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from app.accounts.models import (
    ActivationCode,
    Institution,
    LoginThrottle,
    PendingLogin,
    RecoveryCode,
    Role,
    SecondFactor,
    User,
    UserSession,
)
from app.audit import AuditEntry
from app.certificates.models import Certificate, CertificateCounter, VerifyThrottle
from app.cohorts.models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortInstitution,
    CohortMember,
    CoTrainer,
    Meeting,
    PracticumScore,
    TrainerCertification,
)
from app.courses.models import CourseAsset, CourseVersion
from app.evidence.models import DepartmentHeadcount
from app.learning.models import Enrollment, ItemProgress
from app.quizzes.models import Answer, AttemptSlot, LateAnswer, QuizAttempt

metadata = SQLModel.metadata

__all__ = [
    "ActivationCode",
    "Attendance",
    "Cohort",
    "CohortCourse",
    "CohortInstitution",
    "CohortMember",
    "Meeting",
    "CoTrainer",
    "PracticumScore",
    "TrainerCertification",
    "Answer",
    "AttemptSlot",
    "LateAnswer",
    "AuditEntry",
    "Certificate",
    "CertificateCounter",
    "VerifyThrottle",
    "CourseAsset",
    "CourseVersion",
    "DepartmentHeadcount",
    "Enrollment",
    "ItemProgress",
    "QuizAttempt",
    "Institution",
    "LoginThrottle",
    "PendingLogin",
    "RecoveryCode",
    "Role",
    "SecondFactor",
    "User",
    "UserSession",
    "metadata",
]
