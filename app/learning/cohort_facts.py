"""What cohorts add to an officer's completion facts: attendance hours and a passed practicum.

Learning reads cohort tables here rather than calling cohort rules, so completion facts flow one way:
cohorts record attendance and practicum scores, learning counts them.
"""

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.cohorts.models import Attendance, CohortCourse, CohortMember, Meeting, PracticumScore


def attendance_hours(session: Session, user_id: int, course_slug: str) -> float:
    """Hours present at sessions of the officer's cohorts for this course.

    A session tied to a course counts for that course only; an untied one counts for every
    course of its cohort (a workshop day usually covers them all).
    """
    total = session.exec(
        select(func.coalesce(func.sum(Meeting.hours), 0.0))
        .join(Attendance, col(Attendance.session_id) == Meeting.id)
        .join(
            CohortMember,
            (col(CohortMember.cohort_id) == Meeting.cohort_id)
            & (col(CohortMember.user_id) == Attendance.user_id),
        )
        .join(
            CohortCourse,
            (col(CohortCourse.cohort_id) == Meeting.cohort_id)
            & (col(CohortCourse.course_slug) == course_slug),
        )
        .where(
            Attendance.user_id == user_id,
            col(Attendance.present).is_(True),
            or_(col(Meeting.course_slug).is_(None), col(Meeting.course_slug) == course_slug),
        )
    ).one()
    return float(total)


def practicum_passed(session: Session, user_id: int, course_slug: str) -> bool:
    return (
        session.exec(
            select(PracticumScore.id)
            .where(
                PracticumScore.user_id == user_id,
                PracticumScore.course_slug == course_slug,
                col(PracticumScore.passed).is_(True),
            )
            .limit(1)
        ).first()
        is not None
    )
