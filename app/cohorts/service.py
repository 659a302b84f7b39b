"""Cohorts: creating them, who is in them, and which cohorts a user may see (scoped in the query)."""

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, not_, or_, true
from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from app import audit
from app.accounts.models import BY_NAME, Role, User
from app.cohorts.models import (
    Cohort,
    CohortCourse,
    CohortInstitution,
    CohortKind,
    CohortMember,
    CoTrainer,
    MemberSource,
    TrainerCertification,
)
from app.cohorts.trainers import certification as trainers
from app.dbtools import insert_for
from app.errors import NotFound
from app.i18n import N_
from app.learning import service as learning
from app.learning.models import Enrollment
from app.timeutil import utcnow

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones


@dataclass
class CohortForm:
    name: str
    kind: CohortKind
    department: str
    starts_on: date
    ends_on: date
    courses: dict[str, date | None]  # course slug -> due date
    institution_ids: list[int] = field(default_factory=list)
    co_trainer_ids: list[int] = field(default_factory=list)
    lead_id: int | None = None  # admins may name another lead; others lead what they create


@dataclass
class CohortChanges:
    """What a lead may change after creating a cohort (the kind and the courses stay)."""

    name: str
    department: str
    starts_on: date
    ends_on: date
    due_dates: dict[str, date | None]
    co_trainer_ids: list[int]


def visible_cohorts(user: User) -> Select:
    """Cohorts `user` may see and change, as a query: admins all; others those they lead or co-train.

    An officer-trainer keeps a cohort only while certified for every one of its courses, so a
    revocation takes effect on the next request.
    """
    query = select(Cohort)
    if user.role == Role.admin:
        return query
    co_trains = exists().where(col(CoTrainer.cohort_id) == Cohort.id, col(CoTrainer.user_id) == user.id)
    query = query.where(or_(col(Cohort.lead_id) == user.id, co_trains))
    if user.role == Role.officer:
        certified = select(TrainerCertification.course_slug).where(
            col(TrainerCertification.user_id) == user.id, col(TrainerCertification.revoked_at).is_(None)
        )
        uncovered = exists().where(
            col(CohortCourse.cohort_id) == Cohort.id, col(CohortCourse.course_slug).not_in(certified)
        )
        has_courses = exists().where(col(CohortCourse.cohort_id) == Cohort.id)
        query = query.where(has_courses, not_(uncovered))
    return query


def cohorts_for(session: Session, user: User) -> list[Cohort]:
    return list(
        session.exec(visible_cohorts(user).order_by(col(Cohort.starts_on).desc(), col(Cohort.id).desc()))
    )


def joined_by(session: Session, user: User) -> list[Cohort]:
    """The cohorts `user` takes part in as a member, newest first."""
    return list(
        session.exec(
            select(Cohort)
            .join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
            .where(col(CohortMember.user_id) == user.id)
            .order_by(col(Cohort.starts_on).desc())
        )
    )


def led_cohort(session: Session, user: User, cohort_id: int) -> Cohort:
    """The cohort, if `user` may see it; otherwise 404, so other cohorts' ids reveal nothing."""
    found = session.exec(visible_cohorts(user).where(col(Cohort.id) == cohort_id)).first()
    if found is None:
        raise NotFound(N_("No encontramos esta cohorte."))
    return found


def create(session: Session, form: CohortForm, *, actor: User) -> Cohort:
    """A new cohort; its lead is the actor (or, for admins, whoever they name) and must be entitled."""
    lead = actor if form.lead_id is None or actor.role != Role.admin else session.get(User, form.lead_id)
    if lead is None:
        raise NotFound(N_("No encontramos a la persona indicada como formadora principal."))
    certification = trainers.certification_to_lead(session, lead, list(form.courses))
    cohort = Cohort(
        name=form.name.strip(),
        kind=form.kind,
        department=form.department,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
        lead_id=lead.id or 0,
        lead_certification_id=certification.id if certification else None,
        join_code=new_join_code(),
        created_by_id=actor.id or 0,
    )
    session.add(cohort)
    session.flush()
    for slug, due_on in form.courses.items():
        session.add(CohortCourse(cohort_id=cohort.id or 0, course_slug=slug, due_on=due_on))
    for institution_id in dict.fromkeys(form.institution_ids):
        session.add(CohortInstitution(cohort_id=cohort.id or 0, institution_id=institution_id))
    for user_id in dict.fromkeys(form.co_trainer_ids):
        if user_id != cohort.lead_id:
            session.add(CoTrainer(cohort_id=cohort.id or 0, user_id=user_id))
    audit.record(session, actor.id, "create_cohort", cohort, name=cohort.name, lead_id=cohort.lead_id)
    return cohort


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(8))


def courses(session: Session, cohort: Cohort) -> list[CohortCourse]:
    return list(
        session.exec(
            select(CohortCourse)
            .where(col(CohortCourse.cohort_id) == cohort.id)
            .order_by(col(CohortCourse.course_slug))
        )
    )


def members(session: Session, cohort: Cohort) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CohortMember, col(CohortMember.user_id) == User.id)
            .where(col(CohortMember.cohort_id) == cohort.id)
            .order_by(*BY_NAME)
        )
    )


def co_trainers(session: Session, cohort: Cohort) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(CoTrainer, col(CoTrainer.user_id) == User.id)
            .where(col(CoTrainer.cohort_id) == cohort.id)
            .order_by(*BY_NAME)
        )
    )


def is_member(session: Session, cohort: Cohort, user_id: int) -> bool:
    return session.get(CohortMember, (cohort.id, user_id)) is not None


def add_member(session: Session, cohort: Cohort, user: User, source: MemberSource) -> bool:
    """Put an officer in the cohort and enrol them in its courses; adding them again changes nothing.

    Returns whether they were new to the cohort.
    """
    return bool(add_members(session, cohort, [user], source))


def add_members(session: Session, cohort: Cohort, users: list[User], source: MemberSource) -> set[int]:
    """Add many officers at once (a roster) in a few statements; returns the ids new to the cohort."""
    ids = list(dict.fromkeys(u.id or 0 for u in users))
    if not ids:
        return set()
    rows = [
        {"cohort_id": cohort.id, "user_id": user_id, "source": source, "joined_at": utcnow()}
        for user_id in ids
    ]
    inserted = (
        insert_for(session, CohortMember)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["cohort_id", "user_id"])
        .returning(col(CohortMember.user_id))
    )
    added = set(session.execute(inserted).scalars())  # (the ORM reports rowcount -1 on PostgreSQL)
    for course in courses(session, cohort):
        learning.assign_many(session, ids, course.course_slug, due_on=course.due_on)
    return added


def teaches(
    user: User, learner_id: Any, course_slug: Any, cohort_id: int | None = None
) -> ColumnElement[bool]:
    """SQL condition: `user` teaches this learner in this course (through a cohort they may see).

    For grading queues and marks: admins grade everyone; others only members of their cohorts,
    in those cohorts' courses; `cohort_id` narrows it to one cohort.
    """
    cohorts = visible_cohorts(user).with_only_columns(col(Cohort.id))
    if cohort_id is not None:
        cohorts = cohorts.where(col(Cohort.id) == cohort_id)
    elif user.role == Role.admin:
        return true()
    return exists().where(
        col(CohortMember.user_id) == learner_id,
        col(CohortMember.cohort_id).in_(cohorts),
        col(CohortCourse.cohort_id) == CohortMember.cohort_id,
        col(CohortCourse.course_slug) == course_slug,
    )


def reassign_lead(session: Session, cohort: Cohort, username: str, *, actor: User) -> Cohort:
    """An admin hands a cohort to another lead, who must be entitled to lead its courses."""
    lead = session.exec(
        select(User).where(col(User.username) == username.strip().lower(), col(User.active).is_(True))
    ).first()
    if lead is None:
        raise NotFound(N_("No encontramos a la persona indicada como formadora principal."))
    slugs = [c.course_slug for c in courses(session, cohort)]
    certification = trainers.certification_to_lead(session, lead, slugs)
    previous = cohort.lead_id
    cohort.lead_id, cohort.lead_certification_id = lead.id or 0, certification.id if certification else None
    session.add(cohort)
    session.execute(
        delete(CoTrainer).where(col(CoTrainer.cohort_id) == cohort.id, col(CoTrainer.user_id) == lead.id)
    )
    audit.record(
        session, actor.id, "reassign_cohort_lead", cohort, previous_lead_id=previous, lead_id=lead.id
    )
    return cohort


def update(session: Session, cohort: Cohort, changes: CohortChanges, *, actor: User) -> Cohort:
    """Apply an edit; a new due date moves the members' due dates that came from the old one."""
    cohort.name, cohort.department = changes.name.strip(), changes.department
    cohort.starts_on, cohort.ends_on = changes.starts_on, changes.ends_on
    session.add(cohort)
    member_ids = select(CohortMember.user_id).where(col(CohortMember.cohort_id) == cohort.id)
    for course in courses(session, cohort):
        new_due = changes.due_dates.get(course.course_slug)
        if new_due == course.due_on:
            continue
        session.execute(
            sa_update(Enrollment)
            .where(
                col(Enrollment.user_id).in_(member_ids),
                col(Enrollment.course_slug) == course.course_slug,
                col(Enrollment.due_on).is_(None)
                if course.due_on is None
                else col(Enrollment.due_on) == course.due_on,
            )
            .values(due_on=new_due)
        )
        course.due_on = new_due
        session.add(course)
    session.execute(delete(CoTrainer).where(col(CoTrainer.cohort_id) == cohort.id))
    for user_id in dict.fromkeys(changes.co_trainer_ids):
        if user_id != cohort.lead_id:
            session.add(CoTrainer(cohort_id=cohort.id or 0, user_id=user_id))
    audit.record(
        session,
        actor.id,
        "update_cohort",
        cohort,
        name=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        due_dates=changes.due_dates,
        co_trainer_ids=changes.co_trainer_ids,
    )
    return cohort
