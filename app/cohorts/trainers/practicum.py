"""The teach-back practicum of a ToT cohort: scoring against the course's rubric, and certifying graduates."""

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import User
from app.cohorts import service
from app.cohorts.models import Cohort, PracticumScore, TrainerCertification
from app.cohorts.trainers import certifiable
from app.cohorts.trainers import certification as trainers
from app.cohorts.trainers.certifiable import tot_course
from app.courses import schema
from app.courses import service as course_service
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.inputs import as_db_id
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
    standing: certifiable.Standing  # what the graduate is (or may be) certified for, course by course

    @property
    def passed(self) -> bool:
        return any(s.passed for s in self.scores)

    @property
    def certified(self) -> bool:
        return self.standing.certified


__all__ = ["tot_course"]  # re-exported: the practicum pages ask it here


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
    standings = certifiable.standing(session, cohort, members)
    scores = session.exec(
        select(PracticumScore)
        .where(PracticumScore.cohort_id == cohort.id, col(PracticumScore.user_id).in_(ids))
        .order_by(col(PracticumScore.graded_at))
    ).all()
    found = []
    for member in members:
        enrolled = learning.enrollment(session, member, slug)
        facts = learning.progress(session, enrolled).facts if enrolled else completion.Facts()
        found.append(
            Trainee(
                member,
                completion.evaluate(course, facts),
                facts.attendance_hours,
                [s for s in scores if s.user_id == member.id],
                standings[member.id or 0],
            )
        )
    return found


def score(
    session: Session, cohort: Cohort, user_id: int, levels: dict[str, str], comment: str, *, grader: User
) -> PracticumScore:
    """Record a scored teach-back; every criterion needs one of its levels."""
    slug, course = tot_course(session, cohort)
    rubric = course.manifest.practicum
    assert rubric is not None
    member = trainee(session, cohort, user_id).member
    chosen = {c.id: _level(c, levels.get(c.id, "")) for c in rubric.criteria}
    total = sum(chosen.values())
    version, _ = course_service.published(session, slug)
    created = PracticumScore(
        cohort_id=cohort.id or 0,
        user_id=member.id or 0,
        course_slug=slug,
        version_id=version.id,
        levels=json.dumps(chosen),
        total=total,
        passed=total >= rubric.min_score,
        comment=comment.strip()[:4000],
        grader_id=grader.id or 0,
    )
    session.add(created)
    session.flush()
    audit.record(session, grader.id, "practicum.score", created, user_id=member.id, total=total)
    learning.record_completion(session, learning.assign(session, member, slug))
    return created


def _level(criterion: schema.Criterion, value: str) -> int:
    allowed = {level.score for level in criterion.levels}
    level = as_db_id(value)
    if level is None or level not in allowed:
        raise InvalidScore(N_("Elija un nivel para cada criterio de la rúbrica."))
    return level


def certify(session: Session, cohort: Cohort, user_id: int, *, actor: User) -> list[TrainerCertification]:
    """Certify a graduate for the courses the rule allows (`certifiable`); nothing else is certified."""
    found = certifiable.of_member(session, cohort, user_id)
    if not found.tot.completed:
        raise NotEligible(
            N_("Todavía no cumple todos los requisitos: curso, horas de asistencia y práctica aprobada.")
        )
    if not found.pending and found.revoked:
        raise NotEligible(
            N_(
                "La administración revocó esta certificación. Para volver a certificarse como "
                "formador/a, debe completar una nueva cohorte de formación de formadores."
            )
        )
    member = session.get(User, user_id)
    assert member is not None
    learning.record_completion(session, learning.assign(session, member, found.tot.course_slug))
    return trainers.certify(session, user_id, cohort, found.pending, actor=actor)
