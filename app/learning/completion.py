"""Completion rules, evaluated in one place: lessons read, quizzes passed, attendance, practicum.

Pure: the facts come in, the unmet rules go out, so cohorts and certificates can add facts
without touching how a rule is judged.
"""

from dataclasses import dataclass, field
from datetime import date

from app.courses import catalog


@dataclass(frozen=True)
class Facts:
    """What is known about one officer in one course."""

    items_done: frozenset[str] = frozenset()
    quizzes_passed: frozenset[str] = frozenset()
    attendance_hours: float = 0
    practicum_passed: bool = False


@dataclass(frozen=True)
class Outcome:
    unread: tuple[str, ...] = ()
    quizzes_to_pass: tuple[str, ...] = ()
    hours_missing: float = 0
    practicum_missing: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.unread or self.quizzes_to_pass or self.hours_missing or self.practicum_missing)


def evaluate(course: catalog.Course, facts: Facts) -> Outcome:
    """Which of the course's completion rules are not yet met by `facts`."""
    rules = course.manifest.completion
    required = [item for item in course.items() if item.required]
    unread = tuple(
        i.id for i in required if rules.required_lessons and i.kind != "quiz" and i.id not in facts.items_done
    )
    to_pass = tuple(
        i.id
        for i in required
        if rules.required_quizzes and i.kind == "quiz" and i.id not in facts.quizzes_passed
    )
    return Outcome(
        unread=unread,
        quizzes_to_pass=to_pass,
        hours_missing=max(0.0, rules.attendance_hours - facts.attendance_hours),
        practicum_missing=rules.practicum and not facts.practicum_passed,
    )


def is_overdue(due_on: date | None, today: date) -> bool:
    """A due date is a day in Asunción: the course is overdue from the next day, not at some hour of it."""
    return due_on is not None and today > due_on


def next_item(course: catalog.Course, facts: Facts) -> catalog.Item | None:
    """The first item in study order that is not done (read, or passed for quizzes)."""
    for item in course.items():
        done = item.id in (facts.quizzes_passed if item.kind == "quiz" else facts.items_done)
        if not done:
            return item
    return None


def percent_done(course: catalog.Course, facts: Facts) -> int:
    items = course.items()
    done = sum(1 for i in items if i.id in (facts.quizzes_passed if i.kind == "quiz" else facts.items_done))
    return round(100 * done / len(items)) if items else 0
