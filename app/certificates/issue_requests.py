"""Instructors ask the admins to issue their cohort's certificates; admins see the open requests.

A request is an entry of the audit log (who asked, when, for which cohort), so it needs no table
of its own; it stays open while the cohort has eligible officers without a certificate.
"""

import json

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.audit import AuditEntry
from app.certificates.models import Certificate
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
    """The latest request per cohort that no certificate for the cohort has answered yet.

    Issuing any certificate of the cohort after the request answers it (what is still eligible then
    shows among the cohorts with unissued certificates). A request made when nobody was eligible stays
    open only while someone is eligible now: the only case that needs the costly eligibility grid.
    """
    entries = session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == REQUEST_ACTION)
        .order_by(col(AuditEntry.at).desc())
        .limit(limit)
    ).all()
    latest = {entry.target_id: entry for entry in reversed(entries)}  # newest per cohort wins
    cohorts = {
        c.id: c
        for c in session.exec(
            select(Cohort).where(col(Cohort.id).in_([int(cohort_id) for cohort_id in latest]))
        )
    }
    last_issued = dict(
        session.exec(
            select(Certificate.cohort_id, func.max(Certificate.issued_at))
            .where(col(Certificate.cohort_id).in_(list(cohorts)))
            .group_by(col(Certificate.cohort_id))
        ).all()
    )
    found = []
    for entry in sorted(latest.values(), key=lambda e: e.at, reverse=True):
        cohort = cohorts.get(int(entry.target_id))
        if cohort is None or (cohort.id in last_issued and last_issued[cohort.id] >= entry.at):
            continue
        if json.loads(entry.details or "{}").get("eligible", 0) > 0 or eligible_count(session, cohort):
            found.append((entry, cohort, session.get(User, entry.actor_id) if entry.actor_id else None))
    return found


def state(session: Session, cohort: Cohort) -> tuple[AuditEntry, bool] | None:
    """The cohort's latest request and whether it is still open (the requester's view of the queue)."""
    entry = last_request(session, cohort)
    if entry is None:
        return None
    answered = session.exec(
        select(func.max(Certificate.issued_at)).where(Certificate.cohort_id == cohort.id)
    ).one()
    return entry, answered is None or answered < entry.at


def last_request(session: Session, cohort: Cohort) -> AuditEntry | None:
    return session.exec(
        select(AuditEntry)
        .where(AuditEntry.action == REQUEST_ACTION, AuditEntry.target_id == str(cohort.id))
        .order_by(col(AuditEntry.at).desc())
    ).first()
