"""The teach-back practicum of a ToT cohort: scoring against the course's rubric, and certifying graduates."""

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.cohorts import service, trainers
from app.cohorts.models import Cohort, CohortKind, PracticumScore, TrainerCertification
from app.courses import catalog, schema
from app.courses import service as course_service
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import completion
from app.learning import service as learning


class InvalidScore(DomainError):
    status_code = 422


class NotEligible(DomainError):
    status_code = 409


@dataclass(frozen=True)
class Trainee:
    member: User
    outcome: completion.Outcome
    hours: float
    scores: list[PracticumScore]
    certified: bool

    @property
    def passed(self) -> bool:
        return any(s.passed for s in self.scores)


def tot_course(session: Session, cohort: Cohort) -> tuple[str, catalog.Course]:
    """The cohort's training-of-trainers course (slug and published content), or 404 if it has none."""
    for course in service.courses(session, cohort):
        _, content = course_service.published(session, course.course_slug)
        if cohort.kind == CohortKind.training_of_trainers and content.manifest.practicum is not None:
            return course.course_slug, content
    raise NotFound(N_("Esta cohorte no tiene práctica de enseñanza."))


def trainees(session: Session, cohort: Cohort) -> list[Trainee]:
    """Every member with where they stand: course rules, hours, practicum scores, certification."""
    return _standing(session, cohort, service.members(session, cohort))


def trainee(session: Session, cohort: Cohort, user_id: int) -> Trainee:
    member = session.get(User, user_id)
    if member is None or not service.is_member(session, cohort, user_id):
        raise NotFound(N_("Esta persona no participa en la cohorte."))
    return _standing(session, cohort, [member])[0]


def _standing(session: Session, cohort: Cohort, members: list[User]) -> list[Trainee]:
    slug, course = tot_course(session, cohort)
    ids = [m.id or 0 for m in members]
    certified = set(session.exec(select(TrainerCertification.user_id).where(
        TrainerCertification.cohort_id == cohort.id, col(TrainerCertification.user_id).in_(ids),
        col(TrainerCertification.revoked_at).is_(None))).all())
    scores = session.exec(select(PracticumScore).where(
        PracticumScore.cohort_id == cohort.id, col(PracticumScore.user_id).in_(ids))
        .order_by(col(PracticumScore.graded_at))).all()
    found = []
    for member in members:
        enrolled = learning.enrollment(session, member, slug)
        facts = learning.progress(session, enrolled).facts if enrolled else completion.Facts()
        found.append(Trainee(member, completion.evaluate(course, facts), facts.attendance_hours,
                             [s for s in scores if s.user_id == member.id], member.id in certified))
    return found


def score(session: Session, cohort: Cohort, user_id: int, levels: dict[str, str], comment: str, *,
          grader: User) -> PracticumScore:
    """Record a scored teach-back; every criterion needs one of its levels."""
    slug, course = tot_course(session, cohort)
    rubric = course.manifest.practicum
    assert rubric is not None
    member = trainee(session, cohort, user_id).member
    chosen = {c.id: _level(c, levels.get(c.id, "")) for c in rubric.criteria}
    total = sum(chosen.values())
    version, _ = course_service.published(session, slug)
    created = PracticumScore(cohort_id=cohort.id or 0, user_id=member.id or 0, course_slug=slug,
                             version_id=version.id or 0, levels=json.dumps(chosen), total=total,
                             passed=total >= rubric.min_score, comment=comment.strip()[:4000],
                             grader_id=grader.id or 0)
    session.add(created)
    session.flush()
    audit.record(session, grader.id, "practicum.score", created, user_id=member.id, total=total)
    learning.record_completion(session, learning.assign(session, member, slug))
    return created


def _level(criterion: schema.Criterion, value: str) -> int:
    allowed = {level.score for level in criterion.levels}
    if not value.isdigit() or int(value) not in allowed:
        raise InvalidScore(N_("Elija un nivel para cada criterio de la rúbrica."))
    return int(value)


def certify(session: Session, cohort: Cohort, user_id: int, *, actor: User) -> list[TrainerCertification]:
    """Make a graduate a certified trainer for the cohort's courses, once every rule holds."""
    found = trainee(session, cohort, user_id)
    if not found.outcome.complete:
        raise NotEligible(N_("Todavía no cumple todos los requisitos: curso, horas de asistencia y práctica aprobada."))
    slug, _ = tot_course(session, cohort)
    learning.record_completion(session, learning.assign(session, found.member, slug))
    return trainers.certify(session, user_id, cohort, actor=actor)
