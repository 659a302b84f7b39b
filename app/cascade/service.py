"""Loading the cascade in a handful of bulk queries, and who may see which part of it.

Admins (view_reports) see every tree; any other trainer sees the trees under the cohorts they led.
The queries never run per cohort: structure (cohorts, certifications), then members, enrolment
totals and quiz passes for the visible cohorts, whatever their number. The figures are defined in
`tree.py`.
"""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from app.access import Permission, can
from app.accounts.departments import DEPARTMENTS
from app.accounts.models import User
from app.cascade import tree
from app.cohorts.models import Cohort, CohortCourse, CohortMember, TrainerCertification
from app.courses import service as course_service
from app.courses.models import CourseVersion
from app.errors import NotFound
from app.i18n import N_
from app.learning.models import Enrollment
from app.quizzes.models import QuizAttempt


def view_for(session: Session, user: User) -> tree.View:
    """The cascade `user` may see: all of it for admins, else the trees under the cohorts they led."""
    rows, certifications = _cohort_rows(session), _certifications(session)
    ids = None
    if not can(user, Permission.view_reports):  # first the tree's shape, to load figures for its part only
        ids = {
            node.id for node in tree.Cascade.preorder(tree.build(rows, certifications).led_by(user.id or 0))
        }
    members = _members(session, ids)
    cascade = tree.build(rows, certifications, members, _activity(session, ids))
    roots = cascade.roots if ids is None else cascade.led_by(user.id or 0)
    return tree.View(cascade, roots)


def generations(session: Session) -> dict[int, int]:
    """Each cohort's generation in the cascade (1: led by ISEPOL staff), from the two structure queries."""
    cascade = tree.build(_cohort_rows(session), _certifications(session))
    return {cohort_id: node.generation for cohort_id, node in cascade.nodes.items()}


def branch(view: tree.View, cohort_id: int) -> tree.View:
    """The part of `view` under one cohort; 404 when the cohort is not in the view."""
    if cohort_id not in view.ids:
        raise NotFound(N_("No encontramos esta cohorte."))
    return tree.View(view.cascade, [view.cascade.nodes[cohort_id]])


def check_department(code: str) -> str:
    if code not in DEPARTMENTS:
        raise NotFound(N_("No encontramos este departamento."))
    return code


def people(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Full names by user id, in one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(col(User.id).in_(ids))).all())


# --- the bulk queries -------------------------------------------------------------------------
# Rows are read through the session's connection: plain tuples, without the ORM's per-row work.


def _rows(session: Session, query: Any) -> list[Any]:
    return list(session.connection().execute(query).all())  # fetchall: one call, not one per row


def _cohort_rows(session: Session) -> list[tree.CohortRow]:
    query = (
        select(
            Cohort.id,
            Cohort.name,
            Cohort.department,
            Cohort.lead_id,
            User.full_name,
            TrainerCertification.cohort_id,
            Cohort.kind,
            Cohort.starts_on,
        )
        .join(User, col(User.id) == Cohort.lead_id)
        .outerjoin(TrainerCertification, col(TrainerCertification.id) == Cohort.lead_certification_id)
    )
    return [
        tree.CohortRow(
            id=r[0],
            name=r[1],
            department=r[2],
            lead_id=r[3],
            lead_name=r[4],
            parent_id=r[5],
            kind=str(r[6]),
            starts_on=r[7],
        )
        for r in _rows(session, query)
    ]


def _certifications(session: Session) -> list[tree.Certification]:
    query = select(
        TrainerCertification.user_id,
        TrainerCertification.cohort_id,
        col(TrainerCertification.revoked_at).is_not(None),
        TrainerCertification.course_slug,
    )
    return [
        tree.Certification(user_id, cohort_id, bool(revoked), slug)
        for user_id, cohort_id, revoked, slug in _rows(session, query)
    ]


def _only(query: Any, column: Any, ids: Collection[int] | None) -> Any:
    """`query` limited to the cohorts in `ids` (None: every cohort)."""
    return query if ids is None else query.where(col(column).in_(sorted(ids)))


def _members(session: Session, ids: Collection[int] | None) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if ids is not None and not ids:
        return found
    query = _only(select(CohortMember.cohort_id, CohortMember.user_id), CohortMember.cohort_id, ids)
    for cohort_id, user_id in _rows(session, query):
        found.setdefault(cohort_id, []).append(user_id)
    return found


def _activity(session: Session, ids: Collection[int] | None) -> dict[int, tree.Activity]:
    """Enrolment totals and quiz passes per cohort, each from one grouped query."""
    if ids is not None and not ids:
        return {}
    enrolments = _enrolment_totals(session, ids)
    passed = _passes(session, ids)
    return {
        cohort_id: tree.Activity(*enrolments.get(cohort_id, (0, 0)), *passed.get(cohort_id, (0, 0)))
        for cohort_id in set(enrolments) | set(passed)
    }


def _enrolment_totals(session: Session, ids: Collection[int] | None) -> dict[int, tuple[int, int]]:
    """Per cohort: the members' enrolments in its courses, and how many of them are completed.

    An outer join on purpose: it fixes the join order (member, course, then enrolment), so a planner
    without statistics cannot join enrolments to cohort courses on the course alone (millions of rows).
    """
    query = (
        select(
            CohortMember.cohort_id, func.count(col(Enrollment.id)), func.count(col(Enrollment.completed_at))
        )
        .join(CohortCourse, col(CohortCourse.cohort_id) == CohortMember.cohort_id)
        .outerjoin(
            Enrollment,
            and_(
                col(Enrollment.user_id) == CohortMember.user_id,
                col(Enrollment.course_slug) == CohortCourse.course_slug,
            ),
        )
        .group_by(col(CohortMember.cohort_id))
    )
    return {
        cohort_id: (total, done)
        for cohort_id, total, done in _rows(session, _only(query, CohortMember.cohort_id, ids))
    }


def _passes(session: Session, ids: Collection[int] | None) -> dict[int, tuple[int, int]]:
    """Per cohort whose courses have required quizzes: (members, members who passed all of them).

    In SQL: the (officer, course) pairs with every required quiz passed, then per member the assessed
    courses of their cohort against those pairs, then per cohort.
    """
    required = _required_quizzes(
        session, _only(select(CohortCourse.course_slug).distinct(), CohortCourse.cohort_id, ids)
    )
    if not required:
        return {}
    slugs = sorted(required)
    full = select(QuizAttempt.user_id, QuizAttempt.course_slug).where(
        col(QuizAttempt.passed).is_(True),
        or_(
            *(
                and_(
                    col(QuizAttempt.course_slug) == slug, col(QuizAttempt.quiz_id).in_(sorted(required[slug]))
                )
                for slug in slugs
            )
        ),
    )
    if ids is not None:  # only the members of these cohorts (an index search instead of a scan)
        members = _only(select(CohortMember.user_id), CohortMember.cohort_id, ids)
        full = full.where(col(QuizAttempt.user_id).in_(members.scalar_subquery()))
    full_pass = (
        full.group_by(col(QuizAttempt.user_id), col(QuizAttempt.course_slug))
        .having(
            func.count(func.distinct(QuizAttempt.quiz_id))
            == case({slug: len(required[slug]) for slug in slugs}, value=QuizAttempt.course_slug)
        )
        .cte("full_pass")
    )
    per_member = (
        select(
            CohortMember.cohort_id.label("cohort_id"),  # type: ignore[attr-defined]
            func.count(col(CohortCourse.course_slug)).label("needed"),
            func.count(full_pass.c.user_id).label("passed"),
        )
        .join(
            CohortCourse,
            and_(
                col(CohortCourse.cohort_id) == CohortMember.cohort_id,
                col(CohortCourse.course_slug).in_(slugs),
            ),
        )
        .outerjoin(
            full_pass,
            and_(
                full_pass.c.user_id == CohortMember.user_id,
                full_pass.c.course_slug == CohortCourse.course_slug,
            ),
        )
        .group_by(col(CohortMember.cohort_id), col(CohortMember.user_id))
    )
    per_member = _only(per_member, CohortMember.cohort_id, ids).subquery()
    query = select(
        per_member.c.cohort_id,
        func.count(),
        func.sum(case((per_member.c.passed == per_member.c.needed, 1), else_=0)),
    ).group_by(per_member.c.cohort_id)
    return {cohort_id: (members, int(passed or 0)) for cohort_id, members, passed in _rows(session, query)}


def _required_quizzes(session: Session, slugs_query: Any) -> dict[str, frozenset[str]]:
    """The required quizzes of each course's published version (parsed content is cached)."""
    versions = _rows(
        session,
        select(CourseVersion.slug, CourseVersion.id).where(
            col(CourseVersion.published).is_(True), col(CourseVersion.slug).in_(slugs_query.scalar_subquery())
        ),
    )
    found = {}
    for slug, version_id in versions:
        course = course_service.course_of(session, version_id)
        if course.manifest.completion.required_quizzes:
            quizzes = frozenset(i.id for i in course.items() if i.kind == "quiz" and i.required)
            if quizzes:
                found[slug] = quizzes
    return found
