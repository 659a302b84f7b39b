"""Loading the cascade in a handful of bulk queries, and who may see which part of it.

Admins (view_reports) see every tree; any other trainer sees the trees under the cohorts they led.
The queries never run per cohort: structure (cohorts, certifications), then members, enrolment
totals and quiz passes for the visible cohorts, whatever their number. The figures are defined in
`tree.py`.
"""

from collections.abc import Collection, Iterable

from sqlalchemy import and_, func, or_
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
    skeleton = tree.build(rows, certifications)
    if can(user, Permission.view_reports):
        roots, ids = skeleton.roots, None
    else:
        roots = skeleton.led_by(user.id or 0)
        ids = {node.id for node in tree.Cascade.preorder(roots)}
    members = _members(session, ids)
    activity = _activity(session, members, ids)
    cascade = tree.build(rows, certifications, members, activity)
    return tree.View(cascade, [cascade.nodes[root.id] for root in roots])


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

def _cohort_rows(session: Session) -> list[tree.CohortRow]:
    query = (select(Cohort.id, Cohort.name, Cohort.department, Cohort.lead_id, User.full_name,
                    TrainerCertification.cohort_id, Cohort.kind, Cohort.starts_on)
             .join(User, col(User.id) == Cohort.lead_id)
             .outerjoin(TrainerCertification, col(TrainerCertification.id) == Cohort.lead_certification_id))
    return [tree.CohortRow(id=r[0], name=r[1], department=r[2], lead_id=r[3], lead_name=r[4], parent_id=r[5],
                           kind=str(r[6]), starts_on=r[7]) for r in session.execute(query)]


def _certifications(session: Session) -> list[tree.Certification]:
    query = select(TrainerCertification.user_id, TrainerCertification.cohort_id,
                   col(TrainerCertification.revoked_at).is_not(None))
    return [tree.Certification(user_id, cohort_id, bool(revoked))
            for user_id, cohort_id, revoked in session.execute(query)]


def _only(query, column, ids: Collection[int] | None):  # type: ignore[no-untyped-def]
    return query if ids is None else query.where(col(column).in_(sorted(ids)))


def _members(session: Session, ids: Collection[int] | None) -> dict[int, list[int]]:
    if ids is not None and not ids:
        return {}
    found: dict[int, list[int]] = {}
    query = _only(select(CohortMember.cohort_id, CohortMember.user_id), CohortMember.cohort_id, ids)
    for cohort_id, user_id in session.execute(query):
        found.setdefault(cohort_id, []).append(user_id)
    return found


def _activity(session: Session, members: dict[int, list[int]], ids: Collection[int] | None) -> dict[int, tree.Activity]:
    """Enrolment totals and quiz passes per cohort."""
    if ids is not None and not ids:
        return {}
    enrolments = _enrolment_totals(session, ids)
    courses = _cohort_courses(session, ids)
    required = _required_quizzes(session, {slug for slugs in courses.values() for slug in slugs})
    counts = {slug: len(quizzes) for slug, quizzes in required.items()}
    passed = tree.passes(members, courses, counts, _full_passes(session, required))
    return {cohort_id: tree.Activity(*enrolments.get(cohort_id, (0, 0)), *passed.get(cohort_id, (0, 0)))
            for cohort_id in set(enrolments) | set(passed)}


def _enrolment_totals(session: Session, ids: Collection[int] | None) -> dict[int, tuple[int, int]]:
    """Per cohort: the members' enrolments in its courses, and how many of them are completed."""
    query = (select(CohortMember.cohort_id, func.count(col(Enrollment.id)), func.count(col(Enrollment.completed_at)))
             .join(CohortCourse, col(CohortCourse.cohort_id) == CohortMember.cohort_id)
             .join(Enrollment, and_(col(Enrollment.user_id) == CohortMember.user_id,
                                    col(Enrollment.course_slug) == CohortCourse.course_slug))
             .group_by(col(CohortMember.cohort_id)))
    return {cohort_id: (total, done) for cohort_id, total, done in session.execute(_only(query, CohortMember.cohort_id, ids))}


def _cohort_courses(session: Session, ids: Collection[int] | None) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    query = _only(select(CohortCourse.cohort_id, CohortCourse.course_slug), CohortCourse.cohort_id, ids)
    for cohort_id, slug in session.execute(query):
        found.setdefault(cohort_id, []).append(slug)
    return found


def _required_quizzes(session: Session, slugs: set[str]) -> dict[str, frozenset[str]]:
    """The required quizzes of each course's published version (parsed content is cached)."""
    if not slugs:
        return {}
    versions = session.execute(select(CourseVersion.slug, CourseVersion.id).where(
        col(CourseVersion.published).is_(True), col(CourseVersion.slug).in_(sorted(slugs)))).all()
    found = {}
    for slug, version_id in versions:
        course = course_service.course_of(session, version_id)
        if course.manifest.completion.required_quizzes:
            quizzes = frozenset(i.id for i in course.items() if i.kind == "quiz" and i.required)
            if quizzes:
                found[slug] = quizzes
    return found


def _full_passes(session: Session, required: dict[str, frozenset[str]]) -> set[tuple[int, str]]:
    """(user, course) pairs in which the user passed every required quiz, from one grouped query."""
    if not required:
        return set()
    wanted = or_(*(and_(col(QuizAttempt.course_slug) == slug, col(QuizAttempt.quiz_id).in_(sorted(quizzes)))
                   for slug, quizzes in required.items()))
    query = (select(QuizAttempt.user_id, QuizAttempt.course_slug, func.count(func.distinct(QuizAttempt.quiz_id)))
             .where(col(QuizAttempt.passed).is_(True), wanted)
             .group_by(col(QuizAttempt.user_id), col(QuizAttempt.course_slug)))
    return {(user_id, slug) for user_id, slug, count in session.execute(query) if count == len(required[slug])}
