"""Certificates: who is eligible, issuing once with a gap-free serial, revoking, and looking one up."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit
from app.accounts.departments import department_name
from app.accounts.models import User
from app.certificates import trainer_grid
from app.certificates.details import Details
from app.certificates.models import Certificate, CertificateCounter, CertificateKind
from app.cohorts import service as cohort_service
from app.cohorts.models import Cohort, TrainerCertification
from app.cohorts.trainers import certifiable
from app.courses import service as course_service
from app.dbtools import insert_for
from app.errors import DomainError, NotFound
from app.i18n import N_
from app.learning import completion
from app.learning import service as learning
from app.timeutil import local, utcnow

STATUS_COUNTER = "status-list"  # the counter row (year 0) that hands out revocation-list bits


class NotEligible(DomainError):
    status_code = 409


@dataclass(frozen=True)
class Eligibility:
    """Whether an officer may receive a course certificate now, and what is missing if not."""

    enrolled: bool
    outcome: completion.Outcome | None
    version_id: int | None
    completed_at: datetime | None

    @property
    def eligible(self) -> bool:
        return self.outcome is not None and self.outcome.complete


def eligibility(session: Session, user: User, course_slug: str) -> Eligibility:
    """Judged by the course's completion rules: lessons, quizzes passed, attendance hours, practicum."""
    found = learning.enrollment(session, user, course_slug)
    if found is None:
        return Eligibility(False, None, None, None)
    progress = learning.progress(session, found)
    return Eligibility(True, progress.outcome, found.version_id, found.completed_at)


def find(session: Session, user_id: int, version_id: int, kind: CertificateKind) -> Certificate | None:
    return session.exec(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.version_id == version_id, Certificate.kind == kind
        )
    ).first()


def issue(
    session: Session, user: User, course_slug: str, *, actor: User, prefix: str, cohort: Cohort | None = None
) -> Certificate:
    """Issue a course certificate once per officer and course version; later calls return the same one."""
    judged = eligibility(session, user, course_slug)
    if not judged.eligible or judged.version_id is None:
        raise NotEligible(N_("%(name)s todavía no cumple los requisitos de este curso."), name=user.full_name)
    existing = find(session, user.id or 0, judged.version_id, CertificateKind.course)
    if existing is not None:
        return existing
    certificate = Certificate(
        user_id=user.id or 0,
        course_slug=course_slug,
        version_id=judged.version_id,
        cohort_id=cohort.id if cohort else None,
        kind=CertificateKind.course,
        completed_at=judged.completed_at or utcnow(),
        issued_by_id=actor.id or 0,
        serial="",
        public_id="",
        status_index=0,
    )
    return _insert(session, certificate, prefix=prefix, actor=actor)


def issue_trainer(
    session: Session, certification: TrainerCertification, *, actor: User, prefix: str
) -> Certificate:
    """The certified-trainer certificate that goes with a trainer certification, if the rule still holds."""
    if certification.revoked_at is not None:
        raise NotEligible(N_("Esta certificación de formador fue revocada."))
    holder, cohort = session.get(User, certification.user_id), session.get(Cohort, certification.cohort_id)
    assert holder is not None and cohort is not None
    if not certifiable.of_member(session, cohort, certification.user_id).allows(certification.course_slug):
        raise NotEligible(
            N_("%(name)s no cumple los requisitos para ser formador/a de este curso."), name=holder.full_name
        )
    found = learning.enrollment(session, holder, certification.course_slug)
    version_id = (
        found.version_id if found else course_service.published(session, certification.course_slug)[0].id
    )
    existing = find(session, certification.user_id, version_id or 0, CertificateKind.trainer)
    if existing is not None:
        return existing
    certificate = Certificate(
        user_id=certification.user_id,
        course_slug=certification.course_slug,
        version_id=version_id or 0,
        cohort_id=certification.cohort_id,
        trainer_certification_id=certification.id,
        kind=CertificateKind.trainer,
        completed_at=certification.certified_at,
        issued_by_id=actor.id or 0,
        serial="",
        public_id="",
        status_index=0,
    )
    return _insert(session, certificate, prefix=prefix, actor=actor)


def _insert(session: Session, certificate: Certificate, *, prefix: str, actor: User) -> Certificate:
    """Number and store a new certificate in a savepoint: if another admin issued it first, theirs wins
    and our counter increments roll back with the savepoint, so no number is lost."""
    now = utcnow()
    try:
        with session.begin_nested():
            year = local(now).year
            certificate.serial = f"{prefix}-{year}-{next_number(session, prefix, year):06d}"
            certificate.status_index = next_number(session, STATUS_COUNTER, 0) - 1  # bits count from 0
            certificate.public_id = new_public_id()
            certificate.issued_at = now
            certificate.expires_at = _expiry(session, certificate)
            session.add(certificate)
            session.flush()
    except IntegrityError:
        if certificate in session:
            session.expunge(certificate)
        existing = find(session, certificate.user_id, certificate.version_id, certificate.kind)
        if existing is None:
            raise
        return existing
    audit.record(
        session,
        actor.id,
        "certificate.issue",
        certificate,
        serial=certificate.serial,
        user_id=certificate.user_id,
        course=certificate.course_slug,
        kind=str(certificate.kind),
    )
    return certificate


def next_number(session: Session, prefix: str, year: int) -> int:
    """Increment and return the counter; the row stays locked until the transaction ends."""
    statement = insert_for(session, CertificateCounter).values(prefix=prefix, year=year, last=1)
    statement = statement.on_conflict_do_update(
        index_elements=["prefix", "year"], set_={"last": CertificateCounter.last + 1}
    )
    return int(session.execute(statement.returning(CertificateCounter.last)).scalar_one())


def new_public_id() -> str:
    """256 random bits, URL-safe (43 characters): unguessable, unrelated to the serial."""
    return secrets.token_urlsafe(32)


def _expiry(session: Session, certificate: Certificate) -> datetime | None:
    months = course_service.course_of(session, certificate.version_id).manifest.validity_months
    return add_months(certificate.issued_at, months) if months else None


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of the month when that day does not exist)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def revoke(
    session: Session, certificate_id: int, reason: str, *, public_reason: bool, actor: User
) -> Certificate:
    """Withdraw a certificate; the verification page and the status list say so on the next request."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(N_("No encontramos este certificado."))
    reason = reason.strip()[:500]
    if not reason:
        raise DomainError(N_("Escriba el motivo de la revocación."))
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_by_id = actor.id
        certificate.revoke_reason = reason
        certificate.reason_public = public_reason
        session.add(certificate)
        audit.record(
            session,
            actor.id,
            "certificate.revoke",
            certificate,
            serial=certificate.serial,
            reason=reason,
            reason_public=public_reason,
        )
    return certificate


def by_public_id(session: Session, public_id: str) -> Certificate | None:
    if not 20 <= len(public_id) <= 43:
        return None
    return session.exec(select(Certificate).where(Certificate.public_id == public_id)).first()


def of_user(session: Session, user: User) -> list[Certificate]:
    return list(
        session.exec(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(col(Certificate.issued_at).desc())
        )
    )


def recent(session: Session, limit: int = 50) -> list[Certificate]:
    return list(session.exec(select(Certificate).order_by(col(Certificate.id).desc()).limit(limit)))


def revoked_indexes(session: Session) -> list[int]:
    return list(
        session.exec(select(Certificate.status_index).where(col(Certificate.revoked_at).is_not(None)))
    )


def status_list_size(session: Session) -> int:
    last = session.get(CertificateCounter, (STATUS_COUNTER, 0))
    return last.last if last else 0


def details(
    session: Session, certificate: Certificate, *, base_url: str, issuer: str, signatories: list[str]
) -> Details:
    """What the certificate says, for the PDF, the verification page and the credential."""
    holder = session.get(User, certificate.user_id)
    assert holder is not None
    manifest = course_service.course_of(session, certificate.version_id).manifest
    cohort = session.get(Cohort, certificate.cohort_id) if certificate.cohort_id else None
    return Details(
        serial=certificate.serial,
        public_id=certificate.public_id,
        kind=str(certificate.kind),
        holder_name=holder.full_name,
        holder_id=holder.national_id or "",
        course_slug=certificate.course_slug,
        course_title={"es": manifest.title.es, "en": manifest.title.en},
        hours=manifest.hours,
        completed_at=certificate.completed_at,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        cohort_name=cohort.name if cohort else "",
        department=department_name(cohort.department) if cohort else "",
        issuer=issuer,
        verify_url=f"{base_url.rstrip('/')}/verify/{certificate.public_id}",
        status_index=certificate.status_index,
        signatories=[
            (line.partition("|")[0].strip(), line.partition("|")[2].strip()) for line in signatories
        ],
        in_person_hours=manifest.completion.attendance_hours,
        revoked_at=certificate.revoked_at,
    )


# --- cohorts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One member and one course of a cohort: their certificate, or whether they may get one."""

    user: User
    course_slug: str
    certificate: Certificate | None
    judged: Eligibility | None

    @property
    def eligible(self) -> bool:
        return self.certificate is None and self.judged is not None and self.judged.eligible


def cohort_grid(session: Session, cohort: Cohort) -> list[list[Cell]]:
    """Members × courses, with the issued certificate or the eligibility of each pair."""
    slugs = [c.course_slug for c in cohort_service.courses(session, cohort)]
    members = cohort_service.members(session, cohort)
    issued = {
        (c.user_id, c.course_slug): c
        for c in session.exec(
            select(Certificate).where(
                col(Certificate.user_id).in_([m.id for m in members]),
                Certificate.kind == CertificateKind.course,
            )
        )
    }
    rows = []
    for member in members:
        row = []
        for slug in slugs:
            judged = eligibility(session, member, slug)
            held = issued.get((member.id or 0, slug))
            current = held if held is not None and held.version_id == judged.version_id else None
            row.append(Cell(member, slug, current, None if current else judged))
        rows.append(row)
    return rows


@dataclass(frozen=True)
class BulkResult:
    issued: int  # in this call
    done: int  # certificates the cohort's eligible members now hold
    remaining: int  # eligible pairs still without a certificate


def issue_cohort(
    session: Session, cohort: Cohort, *, actor: User, prefix: str, limit: int | None = None
) -> BulkResult:
    """Issue every eligible member's certificates (at most `limit` in this call, for a progress bar)."""
    cells = [cell for row in cohort_grid(session, cohort) for cell in row]
    trainers = trainer_grid.rows(session, cohort)
    pending: list[Cell | TrainerCertification] = [cell for cell in cells if cell.eligible]
    pending += [t.certification for row in trainers for t in row.cells if t.issuable and t.certification]
    batch = pending if limit is None else pending[:limit]
    for item in batch:
        if isinstance(item, Cell):
            issue(session, item.user, item.course_slug, actor=actor, prefix=prefix, cohort=cohort)
        else:
            issue_trainer(session, item, actor=actor, prefix=prefix)
    held = sum(1 for cell in cells if cell.certificate is not None)
    held += sum(1 for row in trainers for t in row.cells if t.certificate is not None)
    return BulkResult(issued=len(batch), done=held + len(batch), remaining=len(pending) - len(batch))


def revoke_trainer_certificates(session: Session, certification: TrainerCertification, *, actor: User) -> int:
    """When a trainer certification is revoked, its certified-trainer certificates stop being valid too."""
    linked = session.exec(
        select(Certificate).where(
            Certificate.trainer_certification_id == certification.id, col(Certificate.revoked_at).is_(None)
        )
    ).all()
    for certificate in linked:
        revoke(
            session,
            certificate.id or 0,
            certification.revoke_reason or "Certificación de formador revocada",
            public_reason=False,
            actor=actor,
        )
    return len(linked)
