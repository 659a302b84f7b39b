"""Arranging certificate tests: officers who meet (or miss) a course's completion rules, and issuing."""

from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import Role, User
from app.certificates import service
from app.certificates.models import Certificate
from app.cohorts.models import Attendance, Cohort, Meeting, PracticumScore
from app.courses import service as course_service
from app.learning import service as learning
from app.learning.models import ItemProgress
from app.quizzes.models import AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.factories import make_cohort, make_user

PREFIX = "ISEPOL"


def complete(
    session: Session,
    user: User,
    slug: str = "mini",
    *,
    skip: set[str] = frozenset(),
    fail_quizzes: bool = False,
) -> None:
    """Read every item and pass every quiz of the officer's enrolment (except the ids in `skip`)."""
    found = learning.enrolled(session, user, slug)
    course = course_service.course_of(session, found.version_id)
    for item in course.items():
        if item.id in skip:
            continue
        if item.kind == "quiz":
            percent = 10.0 if fail_quizzes else 100.0
            session.add(
                QuizAttempt(
                    user_id=user.id or 0,
                    course_slug=slug,
                    quiz_id=item.id,
                    version_id=found.version_id,
                    number=1,
                    max_attempts=0,
                    state=AttemptState.finished,
                    finished_at=utcnow(),
                    percent=percent,
                    passed=not fail_quizzes,
                )
            )
        else:
            session.add(ItemProgress(enrollment_id=found.id or 0, item_id=item.id))
    session.commit()


def attend(session: Session, cohort: Cohort, user: User, hours: float, recorder: User) -> None:
    meeting = Meeting(cohort_id=cohort.id or 0, starts_at=utcnow(), hours=hours)
    session.add(meeting)
    session.flush()
    session.add(
        Attendance(
            session_id=meeting.id or 0, user_id=user.id or 0, present=True, recorded_by_id=recorder.id or 0
        )
    )
    session.commit()


def pass_practicum(
    session: Session, cohort: Cohort, user: User, grader: User, slug: str = "mini-formadores"
) -> None:
    found = learning.enrolled(session, user, slug)
    session.add(
        PracticumScore(
            cohort_id=cohort.id or 0,
            user_id=user.id or 0,
            course_slug=slug,
            version_id=found.version_id,
            levels='{"objetivos": 2, "fuentes": 2}',
            total=4,
            passed=True,
            grader_id=grader.id or 0,
        )
    )
    session.commit()


def officer_cohort(
    session: Session, app: FastAPI, count: int = 1, **user_fields: object
) -> tuple[Cohort, list[User]]:
    """An instructor's `mini` cohort with `count` officers in it (not yet done with anything)."""
    instructor = make_user(session, app, role=Role.instructor)
    officers = [make_user(session, app, **user_fields) for _ in range(count)]
    return make_cohort(session, instructor, members=officers), officers


def issue(
    session: Session, user: User, admin: User, slug: str = "mini", cohort: Cohort | None = None
) -> Certificate:
    certificate = service.issue(session, user, slug, actor=admin, prefix=PREFIX, cohort=cohort)
    session.commit()
    return certificate
