"""A ToT cohort's trainer certificates as the admin's grid shows them: graduates × courses, each with the
rule's verdict (`cohorts.trainers.certifiable`), the certification, and the trainer certificate if issued."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.certificates.models import Certificate, CertificateKind
from app.cohorts import service as cohort_service
from app.cohorts.models import Cohort, CohortKind, TrainerCertification
from app.cohorts.trainers import certifiable
from app.errors import NotFound


@dataclass(frozen=True)
class TrainerCell:
    """One graduate and one course of a ToT cohort: the rule's verdict and the trainer certificate."""

    check: certifiable.CourseCheck
    allowed: bool  # the rule (certifiable.standing) allows this course
    certificate: Certificate | None

    @property
    def certification(self) -> TrainerCertification | None:
        return self.check.certification if self.check.certified else None

    @property
    def issuable(self) -> bool:
        return self.certificate is None and self.certification is not None and self.allowed


@dataclass(frozen=True)
class TrainerRow:
    user: User
    standing: certifiable.Standing
    cells: list[TrainerCell]


def rows(session: Session, cohort: Cohort) -> list[TrainerRow]:
    """A ToT cohort's graduates × courses: certified or not by the rule, with trainer certificates held."""
    if cohort.kind != CohortKind.training_of_trainers:
        return []
    members = cohort_service.members(session, cohort)
    try:
        standings = certifiable.standing(session, cohort, members)
    except NotFound:  # a ToT cohort whose courses have no practicum certifies nobody
        return []
    held = {
        (c.user_id, c.trainer_certification_id): c
        for c in session.exec(
            select(Certificate).where(
                col(Certificate.user_id).in_([m.id for m in members]),
                Certificate.kind == CertificateKind.trainer,
            )
        )
    }
    found = []
    for member in members:
        standing = standings[member.id or 0]
        cells = [
            TrainerCell(
                check,
                standing.allows(check.course_slug),
                held.get((member.id or 0, check.certification.id))
                if check.certified and check.certification
                else None,
            )
            for check in standing.courses
        ]
        found.append(TrainerRow(member, standing, cells))
    return found
