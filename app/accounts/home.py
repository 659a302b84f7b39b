"""What each person's home page lists: their work queue, drawn from the domains that own each fact."""

from typing import Any

from sqlmodel import Session

from app.accounts.models import Role, User
from app.certificates import worklist as certificate_work
from app.cohorts import worklist as cohort_work
from app.cohorts.trainers import certification as trainers
from app.learning import completion
from app.learning import service as learning
from app.timeutil import local_today


def context(session: Session, user: User) -> dict[str, Any]:
    courses = [learning.progress(session, e) for e in learning.enrollments(session, user)]
    # The next due date still ahead (or today): a past one is shown as overdue on its course's card.
    today = local_today()
    due = [
        p.enrollment.due_on
        for p in courses
        if p.enrollment.due_on
        and not p.enrollment.completed_at
        and not completion.is_overdue(p.enrollment.due_on, today)
    ]
    found: dict[str, Any] = {
        "courses": courses,
        "next_due": min(due) if due else None,
        "my_sessions": cohort_work.member_meetings(session, user)[:3],
    }
    if user.role == Role.admin:
        found["admin_day"] = certificate_work.day(session)
    elif trainers.is_trainer(session, user):  # instructors, and officers certified as trainers
        found["day"] = cohort_work.day(session, user)
    return found
