"""Trainer certifications: who may lead cohorts of which course, granted by a ToT cohort, revocable."""

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import audit, names
from app.access import Permission, can
from app.accounts.models import User
from app.cohorts.models import Cohort, CohortCourse, TrainerCertification
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.paging import Page, paginate
from app.timeutil import utcnow

TRAINERS_PER_PAGE = 25
Certified = tuple[TrainerCertification, User, Cohort]  # a certification, its holder, the cohort it came from


class NotCertified(DomainError):
    status_code = 403


def active_certifications(session: Session, user_id: int) -> list[TrainerCertification]:
    return list(
        session.exec(
            select(TrainerCertification)
            .where(TrainerCertification.user_id == user_id, col(TrainerCertification.revoked_at).is_(None))
            .order_by(col(TrainerCertification.certified_at))
        )
    )


def certified_trainers(session: Session, name: str, page: int) -> Page[Certified]:
    """One page of every certification, newest first (for admins); `name` keeps those whose holder's
    name contains it, accents and case aside."""
    query = (
        select(TrainerCertification, User, Cohort)
        .join(User, col(User.id) == TrainerCertification.user_id)
        .join(Cohort, col(Cohort.id) == TrainerCertification.cohort_id)
        .order_by(col(TrainerCertification.certified_at).desc(), col(TrainerCertification.id).desc())
    )
    if name.strip():
        query = query.where(col(User.name_key).like(names.like_pattern(name), escape="\\"))
    return paginate(session, query, page, TRAINERS_PER_PAGE)


def certified_courses(session: Session, user_id: int) -> set[str]:
    return {c.course_slug for c in active_certifications(session, user_id)}


def is_trainer(session: Session, user: User) -> bool:
    """May lead cohorts of at least one course: staff by role, anyone else by an active certification.

    A commission member is not staff here: they read their department's figures and lead nothing.
    """
    return can(user, Permission.lead_cohorts) or bool(certified_courses(session, user.id or 0))


def leadable_courses(session: Session, user: User, all_slugs: list[str]) -> list[str]:
    """The courses `user` may lead a cohort of: all for staff, the certified ones for officers."""
    if can(user, Permission.lead_cohorts):
        return all_slugs
    certified = certified_courses(session, user.id or 0)
    return [slug for slug in all_slugs if slug in certified]


def certification_to_lead(session: Session, user: User, slugs: list[str]) -> TrainerCertification | None:
    """The certification that lets `user` lead a cohort of `slugs`; None for staff without one.

    Raises NotCertified when an officer is not certified for every course.
    """
    active = active_certifications(session, user.id or 0)
    covered = {c.course_slug for c in active}
    if not can(user, Permission.lead_cohorts) and not set(slugs) <= covered:
        raise NotCertified(
            N_("Solo puede dirigir cohortes de los cursos para los que está certificado como formador.")
        )
    return next((c for c in active if c.course_slug in slugs), None)


def certify(
    session: Session, user_id: int, cohort: Cohort, slugs: list[str] | None = None, *, actor: User
) -> list[TrainerCertification]:
    """Record a graduate as a certified trainer for `slugs` (default: every course of the cohort).

    The rule for which courses is `certifiable.standing`; this only writes. Certifying again changes nothing.
    """
    if slugs is None:
        query = select(CohortCourse.course_slug).where(CohortCourse.cohort_id == cohort.id)
        slugs = list(session.exec(query))
    made = []
    for slug in slugs:
        existing = session.exec(
            select(TrainerCertification).where(
                TrainerCertification.user_id == user_id,
                TrainerCertification.course_slug == slug,
                TrainerCertification.cohort_id == cohort.id,
            )
        ).first()
        if existing is None:
            existing = TrainerCertification(
                user_id=user_id, course_slug=slug, cohort_id=cohort.id or 0, certified_by_id=actor.id or 0
            )
            session.add(existing)
            session.flush()
            audit.record(
                session,
                actor.id,
                "certify_trainer",
                existing,
                user_id=user_id,
                course=slug,
                cohort_id=cohort.id,
            )
        made.append(existing)
    return made


def revoke(session: Session, certification_id: int, reason: str, *, actor: User) -> TrainerCertification:
    """Withdraw a certification; the trainer loses the right to lead on their next request."""
    found = session.get(TrainerCertification, certification_id)
    if found is None:
        raise NotFound(N_("No encontramos esta certificación."))
    session.execute(
        update(TrainerCertification)
        .where(
            col(TrainerCertification.id) == certification_id, col(TrainerCertification.revoked_at).is_(None)
        )
        .values(revoked_at=utcnow(), revoked_by_id=actor.id, revoke_reason=reason.strip()[:500])
    )
    session.refresh(found)
    audit.record(session, actor.id, "revoke_trainer", found, reason=reason.strip()[:500])
    return found
