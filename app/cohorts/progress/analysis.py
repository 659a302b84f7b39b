"""Loading a quiz's results for item analysis: the cohort's officers, and officers of every cohort.

The statistics themselves are in `item_analysis` (pure). Here: which attempts count (each
officer's first finished attempt, once fully graded), and "all cohorts" meaning officers who are
members of any cohort that teaches the course. Only aggregates leave this module for other
cohorts: no names, no per-officer rows.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.cohorts.models import Cohort, CohortCourse, CohortMember
from app.cohorts.progress import item_analysis
from app.cohorts.progress.dashboard import course_slugs
from app.cohorts.progress.item_analysis import Choices, ItemResult, QuestionStats
from app.courses import catalog, drawing, schema
from app.courses import service as course_service
from app.errors import NotFound
from app.i18n import N_
from app.quizzes import grading
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt


class _Attempt(NamedTuple):
    """The columns of a finished attempt that the analysis needs (plain tuples: many rows)."""

    id: int
    user_id: int
    number: int
    percent: float | None
    version_id: int


@dataclass(frozen=True)
class QuizEntry:
    """A quiz of the cohort's courses, for the list of analyses."""

    course: catalog.Course
    item: catalog.Item
    officers: int  # cohort members with a finished attempt


@dataclass(frozen=True)
class QuestionLine:
    number: int
    question: schema.Question
    cohort: QuestionStats | None
    everyone: QuestionStats | None
    cohort_choices: Choices | None
    everyone_choices: Choices | None


@dataclass(frozen=True)
class QuizAnalysis:
    course: catalog.Course
    item: catalog.Item
    cohort_attempts: int  # first attempts analysed
    all_attempts: int
    questions: list[QuestionLine]
    cohort_grades: list[float]  # each member's final grade, by the quiz's grading method


def quizzes(session: Session, cohort: Cohort) -> list[QuizEntry]:
    """Every quiz of the cohort's courses, in study order, with how many members took it."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    counts = dict(
        ((slug, quiz_id), n)
        for slug, quiz_id, n in session.exec(
            select(
                QuizAttempt.course_slug, QuizAttempt.quiz_id, func.count(func.distinct(QuizAttempt.user_id))
            )
            .where(QuizAttempt.state == AttemptState.finished, col(QuizAttempt.user_id).in_(members))
            .group_by(QuizAttempt.course_slug, QuizAttempt.quiz_id)
        )
    )
    entries = []
    for slug in course_slugs(session, cohort):
        _, course = course_service.published(session, slug)
        entries += [
            QuizEntry(course, item, counts.get((slug, item.id), 0))
            for item in course.items()
            if item.quiz is not None
        ]
    return entries


def analyse(session: Session, cohort: Cohort, slug: str, quiz_id: str) -> QuizAnalysis:
    """Item analysis of one quiz for the cohort, next to the same figures over all cohorts."""
    if slug not in course_slugs(session, cohort):
        raise NotFound(N_("No encontramos esta página."))
    _, course = course_service.published(session, slug)
    item = course.item(quiz_id)
    if item is None or item.quiz is None:
        raise NotFound(N_("No encontramos esta página."))
    members = set(session.exec(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)))
    attempts = [
        _Attempt(*row)
        for row in session.exec(
            select(
                QuizAttempt.id,
                QuizAttempt.user_id,
                QuizAttempt.number,
                QuizAttempt.percent,
                QuizAttempt.version_id,
            )
            .where(*_taken(slug, quiz_id))
            .order_by(col(QuizAttempt.user_id), col(QuizAttempt.number))
        )
    ]
    first = _graded_first(attempts)
    results, responses = _results(session, slug, quiz_id, first)
    ours = {a.id for a in attempts if a.id in first and a.user_id in members}
    questions = _questions(session, course, item, attempts)
    lines = _lines(questions, results, responses, ours)
    grades = _final_grades(item.quiz, [a for a in attempts if a.user_id in members])
    return QuizAnalysis(course, item, len(ours), len(first), lines, grades)


def _taken(slug: str, quiz_id: str) -> tuple[ColumnElement[bool], ...]:
    """Finished attempts at this quiz by members of any cohort with this course."""
    takers = (
        select(CohortMember.user_id)
        .join(CohortCourse, col(CohortCourse.cohort_id) == CohortMember.cohort_id)
        .where(CohortCourse.course_slug == slug)
    )
    return (
        col(QuizAttempt.course_slug) == slug,
        col(QuizAttempt.quiz_id) == quiz_id,
        col(QuizAttempt.state) == AttemptState.finished,
        col(QuizAttempt.user_id).in_(takers),
    )


def _graded_first(attempts: list[_Attempt]) -> set[int]:
    """Each officer's first finished attempt, left out while it waits for an instructor's marks."""
    first = item_analysis.first_attempts((a.id, a.user_id, a.number) for a in attempts)
    return {a.id for a in attempts if a.id in first and a.percent is not None}


def _results(
    session: Session, slug: str, quiz_id: str, first: set[int]
) -> tuple[list[ItemResult], dict[int, dict[str, Any]]]:
    """Every slot of the analysed attempts with its score, and the raw responses by attempt."""
    earlier = aliased(QuizAttempt)
    first_number = (
        select(func.min(earlier.number))
        .where(
            earlier.user_id == QuizAttempt.user_id,
            earlier.course_slug == slug,
            earlier.quiz_id == quiz_id,
            earlier.state == AttemptState.finished,
        )
        .scalar_subquery()
    )
    rows = session.exec(
        select(
            AttemptSlot.attempt_id,
            AttemptSlot.question_id,
            AttemptSlot.points,
            Answer.fraction,
            Answer.response,
        )
        .join(QuizAttempt, col(QuizAttempt.id) == AttemptSlot.attempt_id)
        .outerjoin(
            Answer,
            (col(Answer.attempt_id) == AttemptSlot.attempt_id)
            & (col(Answer.position) == AttemptSlot.position),
        )
        .where(*_taken(slug, quiz_id), col(QuizAttempt.number) == first_number)
    )
    results: list[ItemResult] = []
    responses: defaultdict[int, dict[str, Any]] = defaultdict(dict)
    for attempt_id, question_id, points, fraction, response in rows:
        if attempt_id in first:  # not one still waiting for marks
            results.append(ItemResult(attempt_id, question_id, points, fraction or 0.0))
            responses[attempt_id][question_id] = response  # JSON, decoded only for choice questions
    return results, responses


def _decoded(response: str | None) -> Any:
    try:
        return json.loads(response) if response is not None else None
    except ValueError:
        return None


def _questions(
    session: Session, course: catalog.Course, item: catalog.Item, attempts: list[_Attempt]
) -> dict[str, schema.Question]:
    """The questions by id as the published version has them (older versions fill in removed ones),
    in the quiz's order: its own questions, then those drawn from its banks."""
    assert item.quiz is not None
    found: dict[str, schema.Question] = {}
    for version_id in sorted({a.version_id for a in attempts}):
        old_course = course_service.course_of(session, version_id)
        old = old_course.item(item.id)
        if old is not None and old.quiz is not None:
            found.update(drawing.question_index(old.quiz, old_course.banks))
    published = drawing.question_index(item.quiz, course.banks)
    found.update(published)
    own = [q.id for q in item.quiz.questions]
    order = own + [qid for qid in published if qid not in own]
    order += [qid for qid in found if qid not in published]
    return {qid: found[qid] for qid in dict.fromkeys(order)}


def _lines(
    questions: dict[str, schema.Question],
    results: list[ItemResult],
    responses: dict[int, dict[str, Any]],
    ours: set[int],
) -> list[QuestionLine]:
    everyone = item_analysis.analyse(results)
    cohort = item_analysis.analyse(r for r in results if r.attempt_id in ours)
    shown = [qid for qid in questions if qid in everyone]
    return [
        QuestionLine(
            n,
            questions[qid],
            cohort.get(qid),
            everyone[qid],
            _choices(questions[qid], responses, qid, ours),
            _choices(questions[qid], responses, qid, None),
        )
        for n, qid in enumerate(shown, start=1)
    ]


def _choices(
    question: schema.Question, responses: dict[int, dict[str, Any]], qid: str, only: set[int] | None
) -> Choices | None:
    """Option counts over the analysed attempts holding the question (`only` those, when given)."""
    if not isinstance(question, schema.SingleChoice | schema.MultipleResponse | schema.TrueFalse):
        return None
    found = [
        _decoded(answers[qid])
        for attempt_id, answers in responses.items()
        if qid in answers and (only is None or attempt_id in only)
    ]
    return item_analysis.choices(question, found)


def _final_grades(quiz: schema.Quiz, attempts: list[_Attempt]) -> list[float]:
    by_user: dict[int, list[float]] = defaultdict(list)
    for attempt in attempts:  # in the order made
        if attempt.percent is not None:
            by_user[attempt.user_id].append(attempt.percent)
    grades = (grading.final_grade(quiz.grading, percents) for percents in by_user.values())
    return [grade for grade in grades if grade is not None]
