"""The admin's day: certificate requests to answer, cohorts with certificates to issue, revocations."""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func
from sqlmodel import Session, col, select
from starlette.requests import Request

from app.access import Permission, can
from app.accounts.models import User
from app.audit import AuditEntry
from app.certificates import issue_requests
from app.certificates.models import Certificate, CertificateKind
from app.cohorts.models import Cohort, CohortCourse, CohortMember
from app.db import reading
from app.learning.models import Enrollment

SHOWN = 10


@dataclass(frozen=True)
class Day:
    requests: list[tuple[AuditEntry, Cohort, User | None]]
    unissued: list[tuple[Cohort, int]]  # cohorts and how many certificates are eligible and not issued
    revocations: list[tuple[Certificate, User | None]]


def day(session: Session) -> Day:
    return Day(issue_requests.open_requests(session), unissued_cohorts(session), recent_revocations(session))


def unissued_cohorts(session: Session, limit: int = SHOWN) -> list[tuple[Cohort, int]]:
    """Cohorts whose members completed a course of it without holding its certificate, with how many.

    One grouped query on the recorded completions (the eligibility grid of each cohort would cost a
    second or more for ten cohorts); the cohort's certificate page then shows the exact grid.
    """
    uncertified = ~exists().where(
        col(Certificate.user_id) == Enrollment.user_id,
        col(Certificate.course_slug) == Enrollment.course_slug,
        col(Certificate.kind) == CertificateKind.course,
    )
    rows = session.exec(
        select(Cohort, func.count())
        .join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .join(CohortCourse, col(CohortCourse.cohort_id) == Cohort.id)
        .join(
            Enrollment,
            and_(
                col(Enrollment.user_id) == CohortMember.user_id,
                col(Enrollment.course_slug) == CohortCourse.course_slug,
            ),
        )
        .where(col(Enrollment.completed_at).is_not(None), uncertified)
        .group_by(col(Cohort.id))
        .order_by(col(Cohort.ends_on).desc(), col(Cohort.id).desc())
        .limit(limit)
    ).all()
    return [(cohort, count) for cohort, count in rows]


def recent_revocations(session: Session, limit: int = 5) -> list[tuple[Certificate, User | None]]:
    revoked = session.exec(
        select(Certificate)
        .where(col(Certificate.revoked_at).is_not(None))
        .order_by(col(Certificate.revoked_at).desc())
        .limit(limit)
    ).all()
    return [(c, session.get(User, c.user_id)) for c in revoked]


def open_request_count(session: Session) -> int:
    """The number the navigation shows next to "Certificados"."""
    return len(issue_requests.open_requests(session))


def nav_counts(request: Request, user: User) -> dict[str, int]:
    """What the navigation counts for this user: open certificate requests, for those who issue them."""
    if not can(user, Permission.manage_certificates):
        return {}
    with reading(request.app.state.engine) as session:
        return {"certificate_requests": open_request_count(session)}
