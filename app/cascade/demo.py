"""The demo's training-of-trainers cascade: three generations across several departments.

Generation 1: two ISEPOL training-of-trainers cohorts led by the demo instructor (Asunción, Central).
Their graduates (attendance, passed teach-back, certified) lead generation 2 in Boquerón, Itapúa,
Ñeembucú, Guairá, Caaguazú, Alto Paraná: officer courses, and four training-of-trainers cohorts whose
graduates lead generation 3. One certification is revoked, one trainee fails the teach-back.

Deterministic (a seeded random), in bulk inserts, and made once: `wanted()` is False when its first
cohort exists. People are added before the three demo accounts (`add_people`), so those stay first in
the admin's newest-first user list; cohorts and learning records follow (`add_cohorts`).
"""

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.cascade import demo_answers
from app.cascade import demo_plan as plan
from app.cohorts.models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortInstitution,
    CohortKind,
    CohortMember,
    Meeting,
    MemberSource,
    PracticumScore,
    TrainerCertification,
)
from app.courses import catalog
from app.courses import service as course_service
from app.courses.models import CourseVersion
from app.learning.models import Enrollment, ItemProgress
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt

Trainers = dict[str, tuple[int, dict[str, int]]]  # username -> (user id, certification id by course)


def wanted(session: Session) -> bool:
    """Whether to add the cascade: its courses are published and it is not there yet."""
    published = set(session.exec(select(CourseVersion.slug).where(col(CourseVersion.published).is_(True))))
    exists = session.exec(select(Cohort.id).where(Cohort.name == plan.build().generations[0][0].name)).first()
    return plan.COURSES <= published and exists is None


def add_people(session: Session, password_hash: str, institution_id: int | None) -> dict[str, int]:
    """Every trainee and officer of the cascade, in one insert; returns user ids by username."""
    people = plan.build().people
    rows = [
        {
            "username": p.username,
            "full_name": p.full_name,
            "rank": p.rank,
            "department": p.department,
            "role": Role.officer,
            "institution_id": institution_id,
            "password_hash": password_hash,
            "language": "es",
            "active": True,
            "created_at": datetime.now(UTC),
        }
        for p in people
    ]
    session.execute(insert(User), rows)
    names = [p.username for p in people]
    return dict(session.execute(select(User.username, User.id).where(col(User.username).in_(names))).all())


@dataclass
class _Rows:
    """Rows collected for the bulk inserts, by table."""

    tables: dict[type, list[dict[str, Any]]] = field(default_factory=dict)
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # how far each officer got in each course

    def add(self, table: type, **values: Any) -> None:
        self.tables.setdefault(table, []).append(values)

    attempts: list[tuple[dict[str, Any], demo_answers.DemoAttempt]] = field(default_factory=list)

    def insert(self, session: Session) -> None:
        for table, values in self.tables.items():
            session.execute(insert(table), values)
        if self.attempts:  # the attempts first, for their ids; then their questions and answers
            ids = (
                session.execute(
                    insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True),
                    [values for values, _ in self.attempts],
                )
                .scalars()
                .all()
            )
            made = [(attempt_id, taken) for attempt_id, (_, taken) in zip(ids, self.attempts, strict=True)]
            session.execute(insert(AttemptSlot), [{**s, "attempt_id": a} for a, t in made for s in t.slots])
            session.execute(insert(Answer), [{**r, "attempt_id": a} for a, t in made for r in t.answers])


def add_cohorts(
    session: Session, ids: dict[str, int], lead: User, admin: User, institution_id: int | None
) -> None:
    """The cohorts generation by generation (each needs the certifications of the one before)."""
    courses = {slug: course_service.published(session, slug) for slug in plan.COURSES}
    context = _Context(session, ids, courses, institution_id, random.Random(2026))
    trainers: Trainers = {plan.ISEPOL: (lead.id or 0, {})}
    for generation in plan.build().generations:
        trainers = context.run(generation, trainers)
    for username in plan.build().revoked:
        session.execute(
            update(TrainerCertification)
            .where(col(TrainerCertification.user_id) == ids[username])
            .values(
                revoked_at=datetime(2026, 9, 15, 14, tzinfo=UTC),
                revoked_by_id=admin.id,
                revoke_reason="Demostración: certificación retirada por la Dirección.",
            )
        )


@dataclass
class _Context:
    session: Session
    ids: dict[str, int]
    courses: dict[str, tuple[course_service.Published, catalog.Course]]
    institution_id: int | None
    rng: random.Random

    def run(self, cohorts: tuple[plan.PlannedCohort, ...], leads: Trainers) -> Trainers:
        """Create one generation (a few flushes, whatever its size); returns the trainers it certified."""
        made = [(planned, self._cohort(planned, leads)) for planned in cohorts]
        self._flush(cohort for _, cohort in made)
        meetings = {cohort.id: self._meetings(cohort, planned) for planned, cohort in made}
        self._flush(m for ms in meetings.values() for m in ms)
        rows = _Rows()
        for planned, cohort in made:
            self._fill(rows, cohort, planned, meetings[cohort.id])
        trainers = [
            self._certify(rows, cohort, planned)
            for planned, cohort in made
            if planned.kind == CohortKind.training_of_trainers
        ]
        self._flush(c for certified in trainers for cs in certified.values() for c in cs)
        rows.insert(self.session)
        self._progress(rows.outcomes)
        return {
            username: (self.ids[username], {c.course_slug: c.id or 0 for c in cs})
            for certified in trainers
            for username, cs in certified.items()
        }

    def _flush(self, objects: Iterable[Any]) -> None:
        self.session.add_all(list(objects))
        self.session.flush()

    def _cohort(self, planned: plan.PlannedCohort, leads: Trainers) -> Cohort:
        lead_id, certifications = leads[planned.lead]
        certification = next((certifications[s] for s in planned.courses if s in certifications), None)
        return Cohort(
            name=planned.name,
            kind=planned.kind,
            department=planned.department,
            starts_on=planned.starts_on,
            ends_on=planned.ends_on,
            lead_id=lead_id,
            lead_certification_id=certification,
            created_by_id=lead_id,
            created_at=_at(planned.starts_on - timedelta(days=14)),
        )

    def _meetings(self, cohort: Cohort, planned: plan.PlannedCohort) -> list[Meeting]:
        """Workshop days: three of 5 h for trainers (the ToT course asks 15 h), two of 4 h for officers."""
        hours, days = (5.0, 3) if planned.kind == CohortKind.training_of_trainers else (4.0, 2)
        return [
            Meeting(
                cohort_id=cohort.id or 0,
                starts_at=_at(planned.starts_on + timedelta(days=7 * n)),
                hours=hours,
                place=planned.place,
                topic=f"Jornada {n + 1}",
            )
            for n in range(days)
        ]

    def _fill(
        self, rows: _Rows, cohort: Cohort, planned: plan.PlannedCohort, meetings: list[Meeting]
    ) -> None:
        cohort_id = cohort.id or 0
        for slug in planned.courses:
            rows.add(CohortCourse, cohort_id=cohort_id, course_slug=slug, due_on=planned.ends_on)
        if self.institution_id:
            rows.add(CohortInstitution, cohort_id=cohort_id, institution_id=self.institution_id)
        for username in planned.members:
            rows.add(
                CohortMember,
                cohort_id=cohort_id,
                user_id=self.ids[username],
                source=MemberSource.roster,
                joined_at=_at(planned.starts_on),
            )
            for n, meeting in enumerate(meetings):  # a trainee who failed also missed the last day
                present = not (username in planned.failed and n == len(meetings) - 1)
                rows.add(
                    Attendance,
                    session_id=meeting.id,
                    user_id=self.ids[username],
                    recorded_by_id=cohort.lead_id,
                    present=present,
                    status="present" if present else "absent",
                    recorded_at=meeting.starts_at + timedelta(hours=meeting.hours),
                )
            self._enrol(rows, planned, username)

    def _enrol(self, rows: _Rows, planned: plan.PlannedCohort, username: str) -> None:
        for slug in planned.courses:
            version, _ = self.courses[slug]
            outcome = self._outcome(planned, username)
            done_at = (
                _at(planned.ends_on - timedelta(days=self.rng.randint(0, 10))) if outcome == "done" else None
            )
            rows.add(
                Enrollment,
                user_id=self.ids[username],
                course_slug=slug,
                version_id=version.id,
                enrolled_at=_at(planned.starts_on),
                due_on=planned.ends_on,
                completed_at=done_at,
            )
            rows.outcomes.append(
                {
                    "user_id": self.ids[username],
                    "slug": slug,
                    "outcome": outcome,
                    "starts_on": planned.starts_on,
                }
            )

    def _outcome(self, planned: plan.PlannedCohort, username: str) -> str:
        if planned.kind == CohortKind.training_of_trainers:
            return "partial" if username in planned.failed else "done"
        roll = self.rng.random()
        done, partial = (0.25, 0.75) if planned.ends_on > plan.REPORTED_ON else (0.6, 0.85)
        return "done" if roll < done else "partial" if roll < partial else "none"

    def _certify(
        self, rows: _Rows, cohort: Cohort, planned: plan.PlannedCohort
    ) -> dict[str, list[TrainerCertification]]:
        """Score every teach-back; certify those who passed, for every course of the cohort (unsaved)."""
        version, course = self.courses[plan.TOT_COURSE]
        rubric = course.manifest.practicum
        assert rubric is not None
        made = {}
        for username in planned.members:
            failed = username in planned.failed
            levels = self._levels([c.id for c in rubric.criteria], rubric.min_score, failed)
            rows.add(
                PracticumScore,
                cohort_id=cohort.id,
                user_id=self.ids[username],
                course_slug=plan.TOT_COURSE,
                version_id=version.id,
                levels=_json(levels),
                total=sum(levels.values()),
                passed=not failed,
                comment="Repetir la práctica con un plan de sesión." if failed else "",
                grader_id=cohort.lead_id,
                graded_at=_at(planned.ends_on),
            )
            if not failed:
                made[username] = [
                    TrainerCertification(
                        user_id=self.ids[username],
                        course_slug=slug,
                        cohort_id=cohort.id or 0,
                        certified_by_id=cohort.lead_id,
                        certified_at=_at(planned.ends_on),
                    )
                    for slug in planned.courses
                ]
        return made

    def _levels(self, criteria: list[str], min_score: int, failed: bool) -> dict[str, int]:
        """Rubric levels (0-3) adding up to at least `min_score`, or to less when the teach-back failed."""
        levels = {c: self.rng.choice([2, 2, 3]) for c in criteria}
        if failed:
            levels = {c: 1 for c in criteria}
        elif sum(levels.values()) < min_score:
            levels = {c: 3 for c in criteria}
        return levels

    def _progress(self, outcomes: list[dict[str, Any]]) -> None:
        """Lessons read and quiz attempts that match each enrolment's outcome."""
        if not outcomes:
            return
        users = sorted({o["user_id"] for o in outcomes})
        enrolments = {
            (u, s): e
            for e, u, s in self.session.execute(
                select(Enrollment.id, Enrollment.user_id, Enrollment.course_slug).where(
                    col(Enrollment.user_id).in_(users)
                )
            )
        }
        progress = _Rows()
        for o in outcomes:
            self._learner(progress, enrolments[(o["user_id"], o["slug"])], o)
        progress.insert(self.session)

    def _learner(self, rows: _Rows, enrolment_id: int, o: dict[str, Any]) -> None:
        if o["outcome"] == "none":
            return
        _, course = self.courses[o["slug"]]
        items = course.items()
        reached = len(items) if o["outcome"] == "done" else self.rng.randint(1, max(1, len(items) - 2))
        day = _at(o["starts_on"])
        for item in items[:reached]:
            day += timedelta(hours=self.rng.randint(4, 30))
            if item.quiz is None:
                rows.add(ItemProgress, enrollment_id=enrolment_id, item_id=item.id, completed_at=day)
                continue
            rows.attempts.append(self._attempt(course, item.id, item.quiz, o, day))

    def _attempt(
        self, course: catalog.Course, quiz_id: str, quiz: Any, o: dict[str, Any], day: datetime
    ) -> tuple[dict[str, Any], demo_answers.DemoAttempt]:
        """A finished first attempt with answers; one that must pass (a completed course) passes."""
        strong = o["outcome"] == "done" or self.rng.random() < 0.7
        taken = demo_answers.attempt(
            quiz,
            course.banks,
            self.rng,
            self.rng.uniform(0.75, 0.95) if strong else self.rng.uniform(0.2, 0.5),
        )
        if o["outcome"] == "done" and taken.percent < quiz.pass_mark:
            taken = demo_answers.attempt(quiz, course.banks, self.rng, 1.0)
        version, _ = self.courses[o["slug"]]
        values = {
            "user_id": o["user_id"],
            "course_slug": o["slug"],
            "quiz_id": quiz_id,
            "version_id": version.id,
            "number": 1,
            "max_attempts": quiz.attempts,
            "state": AttemptState.finished,
            "started_at": day,
            "finished_at": day + timedelta(minutes=20),
            "percent": taken.percent,
            "passed": taken.percent >= quiz.pass_mark,
        }
        return values, taken


def _at(day: date) -> datetime:
    """9:00 in Paraguay (UTC-3) on `day`, as UTC."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def _json(levels: dict[str, int]) -> str:
    return json.dumps(levels, sort_keys=True)


def accounts() -> list[tuple[str, str]]:
    """Two trainers worth logging in as: a generation-2 trainer in Itapúa and one of their graduates."""
    second = plan.build().generations[1]
    itapua = next(c for c in second if c.department == "itapua" and c.kind == CohortKind.training_of_trainers)
    return [
        (itapua.lead, "officer (formador/a, generación 2)"),
        (itapua.members[0], "officer (formador/a, generación 3)"),
    ]
