"""What a training-of-trainers graduate is certified for: the one rule, asked by every page that says so.

A graduate may be certified as a trainer
- for the cohort's ToT course once its own completion rules hold (lessons, quizzes, attendance
  hours, the practicum passed), and
- for each other course of the cohort once, in addition, that course is completed (in this cohort
  or earlier: an officer has one enrolment per course, whichever cohort it came from).

The certify button (`practicum.certify`), the admin's grid and the trainer certificate
(`certificates.service`) ask `standing`; the cascade counts the certifications this rule allowed.
A certification the administration revoked is not made again from the same cohort: the graduate
needs a new ToT cohort, and the pages say so.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cohorts import service
from app.cohorts.models import Cohort, CohortKind, TrainerCertification
from app.courses import catalog
from app.courses import service as course_service
from app.errors import NotFound
from app.i18n import N_
from app.learning import completion
from app.learning import service as learning


@dataclass(frozen=True)
class CourseCheck:
    """One course of the cohort for one graduate: its completion, and its certification if any."""

    course_slug: str
    tot: bool  # the cohort's ToT course (with the practicum), not a content course
    outcome: completion.Outcome | None  # None: not enrolled
    certification: TrainerCertification | None  # the latest from this cohort, revoked or not

    @property
    def completed(self) -> bool:
        return self.outcome is not None and self.outcome.complete

    @property
    def certified(self) -> bool:
        return self.certification is not None and self.certification.revoked_at is None

    @property
    def revoked_at(self) -> datetime | None:
        return self.certification.revoked_at if self.certification else None


@dataclass(frozen=True)
class Standing:
    """A graduate against the rule: each course of the cohort, the ToT course first."""

    user_id: int
    courses: list[CourseCheck]

    @property
    def tot(self) -> CourseCheck:
        return self.courses[0]

    @property
    def certifiable(self) -> list[str]:
        """The courses the rule allows: none without the ToT course, then each completed one."""
        if not self.tot.completed:
            return []
        return [c.course_slug for c in self.courses if c.completed]

    @property
    def pending(self) -> list[str]:
        """Certifiable, not yet certified, and never revoked from this cohort."""
        return [
            c.course_slug
            for c in self.courses
            if c.course_slug in self.certifiable and c.certification is None
        ]

    @property
    def revoked(self) -> list[CourseCheck]:
        return [c for c in self.courses if c.revoked_at is not None]

    def allows(self, course_slug: str) -> bool:
        return course_slug in self.certifiable

    @property
    def certified(self) -> bool:
        return any(c.certified for c in self.courses)


def tot_course(session: Session, cohort: Cohort) -> tuple[str, catalog.Course]:
    """The cohort's training-of-trainers course (slug and published content), or 404 if it has none."""
    for course in service.courses(session, cohort):
        _, content = course_service.published(session, course.course_slug)
        if cohort.kind == CohortKind.training_of_trainers and content.manifest.practicum is not None:
            return course.course_slug, content
    raise NotFound(N_("Esta cohorte no tiene práctica de enseñanza."))


def standing(session: Session, cohort: Cohort, members: list[User]) -> dict[int, Standing]:
    """Each member's standing against the rule, by user id (404 for a cohort without a ToT course)."""
    tot_slug, _ = tot_course(session, cohort)
    slugs = [tot_slug] + [
        c.course_slug for c in service.courses(session, cohort) if c.course_slug != tot_slug
    ]
    latest = _latest_certifications(session, cohort, [m.id or 0 for m in members])
    return {
        member.id or 0: Standing(
            member.id or 0,
            [
                CourseCheck(
                    slug,
                    slug == tot_slug,
                    _outcome(session, member, slug),
                    latest.get((member.id or 0, slug)),
                )
                for slug in slugs
            ],
        )
        for member in members
    }


def of_member(session: Session, cohort: Cohort, user_id: int) -> Standing:
    """One member's standing; 404 for someone outside the cohort."""
    member = session.get(User, user_id)
    if member is None or not service.is_member(session, cohort, user_id):
        raise NotFound(N_("Esta persona no participa en la cohorte."))
    return standing(session, cohort, [member])[user_id]


def _outcome(session: Session, member: User, slug: str) -> completion.Outcome | None:
    enrolled = learning.enrollment(session, member, slug)
    if enrolled is None:
        return None
    if enrolled.completed_at is not None:  # completion is recorded once and never taken back
        return completion.Outcome()
    return learning.progress(session, enrolled).outcome


def _latest_certifications(
    session: Session, cohort: Cohort, user_ids: list[int]
) -> dict[tuple[int, str], TrainerCertification]:
    found: dict[tuple[int, str], TrainerCertification] = {}
    for row in session.exec(
        select(TrainerCertification)
        .where(TrainerCertification.cohort_id == cohort.id, col(TrainerCertification.user_id).in_(user_ids))
        .order_by(col(TrainerCertification.id))
    ):
        found[(row.user_id, row.course_slug)] = row
    return found


def of_graduate(session: Session, user: User) -> list[tuple[Cohort, Standing]]:
    """The user's own standing in each ToT cohort they take part in, so they see what is missing."""
    found = []
    for cohort in service.joined_by(session, user):
        if cohort.kind == CohortKind.training_of_trainers:
            try:
                found.append((cohort, standing(session, cohort, [user])[user.id or 0]))
            except NotFound:  # a ToT cohort without a practicum course certifies nobody
                continue
    return found
