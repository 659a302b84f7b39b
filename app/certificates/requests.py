"""Instructors ask the admins to issue their cohort's certificates; admins see the open requests.

A request is an entry of the audit log (who asked, when, for which cohort), so it needs no table
of its own; it stays open while the cohort has eligible officers without a certificate.
"""

from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.audit import AuditEntry
from app.certificates.service import cohort_grid
from app.cohorts.models import Cohort

REQUEST_ACTION = "certificates.request"


def eligible_count(session: Session, cohort: Cohort) -> int:
    return sum(1 for row in cohort_grid(session, cohort) for cell in row if cell.eligible)


def request_issue(session: Session, cohort: Cohort, *, actor: User) -> int:
    """Record the request and return how many certificates are ready to issue."""
    eligible = eligible_count(session, cohort)
    audit.record(session, actor.id, REQUEST_ACTION, cohort, eligible=eligible)
    return eligible


def open_requests(session: Session, limit: int = 20) -> list[tuple[AuditEntry, Cohort, User | None]]:
    """The latest request per cohort, for cohorts that still have eligible officers without a certificate."""
    entries = session.exec(select(AuditEntry).where(AuditEntry.action == REQUEST_ACTION)
                           .order_by(col(AuditEntry.at).desc()).limit(limit)).all()
    found, seen = [], set()
    for entry in entries:
        cohort = session.get(Cohort, int(entry.target_id))
        if cohort is None or cohort.id in seen:
            continue
        seen.add(cohort.id)
        if eligible_count(session, cohort):
            found.append((entry, cohort, session.get(User, entry.actor_id) if entry.actor_id else None))
    return found


def last_request(session: Session, cohort: Cohort) -> AuditEntry | None:
    return session.exec(select(AuditEntry).where(AuditEntry.action == REQUEST_ACTION,
                                                 AuditEntry.target_id == str(cohort.id))
                        .order_by(col(AuditEntry.at).desc())).first()
