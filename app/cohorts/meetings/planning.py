"""Planning checks on a cohort: enough in-person hours for each course, due dates within its dates."""

from dataclasses import dataclass
from datetime import date

from babel.numbers import format_decimal
from sqlmodel import Session

from app.cohorts import service
from app.cohorts.meetings import attendance
from app.cohorts.models import Cohort
from app.courses import service as course_service
from app.courses.schema import Text
from app.errors import NotFound


@dataclass(frozen=True)
class ShortHours:
    course_title: Text
    scheduled: float
    required: float

    def figures(self, language: str) -> dict[str, str]:
        """The hours as the reader writes numbers ("2,5" in Spanish, "2.5" in English)."""
        return {
            "scheduled": format_decimal(self.scheduled, locale=language),
            "required": format_decimal(self.required, locale=language),
        }


@dataclass(frozen=True)
class DueOutside:
    course_title: Text
    due_on: date


def warnings(session: Session, cohort: Cohort) -> list[ShortHours | DueOutside]:
    """What the cohort's plan gets wrong, course by course (nothing when it is sound)."""
    meetings = attendance.meetings(session, cohort)
    found: list[ShortHours | DueOutside] = []
    for course in service.courses(session, cohort):
        try:
            _, content = course_service.published(session, course.course_slug)
        except NotFound:  # an unpublished course: nothing to compare with
            continue
        title, required = content.manifest.title, content.manifest.completion.attendance_hours
        scheduled = sum(m.hours for m in meetings if m.course_slug in (None, course.course_slug))
        if scheduled < required:
            found.append(ShortHours(title, scheduled, required))
        if course.due_on and not cohort.starts_on <= course.due_on <= cohort.ends_on:
            found.append(DueOutside(title, course.due_on))
    return found
