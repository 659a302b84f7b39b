"""Enrolment: what a roster file would do (the preview), importing it all at once, join codes, new codes.

Existing people are matched by username or cédula and are never modified; new people become
officers with no usable password and a one-time activation code. Importing the same file again
finds everyone already in the cohort and changes nothing.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import audit
from app.accounts import activation
from app.accounts.activation import Refusal
from app.accounts.auth import ThrottlePolicy
from app.accounts.models import Institution, Role, Sex, User
from app.cohorts import service as cohort_service
from app.cohorts.models import Cohort, CohortMember, MemberSource
from app.cohorts.roster.parsing import Problem, Roster, RosterRow, fold
from app.errors import DomainError, NotFound
from app.i18n import N_


class Outcome(StrEnum):
    new = "new"  # an account is created, with an activation code
    existing = "existing"  # an existing account joins the cohort
    member = "member"  # already in the cohort: nothing to do


class ImportConflict(DomainError):
    status_code = 409


@dataclass
class Entry:
    row: RosterRow
    outcome: Outcome
    username: str
    user: User | None = None
    matched_by: str | None = None  # "username" or "national_id"
    institution_id: int | None = None


@dataclass
class Plan:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: Outcome) -> int:
        return sum(entry.outcome == outcome for entry in self.entries)


@dataclass(frozen=True)
class NewAccount:
    user: User
    code: str


def plan(session: Session, cohort: Cohort, roster: Roster) -> Plan:
    """What importing `roster` into `cohort` would do, row by row, or every problem that prevents it."""
    if not roster.ok:
        return Plan(problems=list(roster.problems))
    result = Plan()
    lookup = _Lookup.load(session, cohort, roster.rows)
    claimed = lookup.taken | {row.username for row in roster.rows if row.username}
    seen: dict[int, int] = {}  # user id -> row that matched it
    for row in roster.rows:
        entry = _entry(lookup, row, claimed, roster.columns, result.problems)
        if entry is None:
            continue
        if entry.user is not None and entry.user.id in seen:
            result.problems.append(
                Problem(
                    row.row,
                    None,
                    N_("Es la misma persona que la fila %(other)s (%(username)s)."),
                    {"other": seen[entry.user.id], "username": entry.username},
                )
            )
            continue
        if entry.user is not None:
            seen[entry.user.id or 0] = row.row
        result.entries.append(entry)
    return result


@dataclass
class _Lookup:
    by_username: dict[str, User]
    by_national_id: dict[str, User]
    members: set[int]
    institutions: dict[str, int]
    taken: set[str]  # existing usernames that start like one a new row would get

    @classmethod
    def load(cls, session: Session, cohort: Cohort, rows: list[RosterRow]) -> "_Lookup":
        usernames = [r.username for r in rows if r.username]
        national_ids = [r.national_id for r in rows if r.national_id]
        by_username = session.exec(select(User).where(col(User.username).in_(usernames))).all()
        by_id = session.exec(select(User).where(col(User.national_id).in_(national_ids))).all()
        members = session.exec(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)).all()
        institutions = session.exec(select(Institution).where(col(Institution.active).is_(True))).all()
        return cls(
            {u.username: u for u in by_username},
            {u.national_id or "": u for u in by_id},
            set(members),
            {fold(i.name): i.id or 0 for i in institutions},
            _taken_usernames(session, {_base(r) for r in rows if not r.username}),
        )


def _taken_usernames(session: Session, bases: set[str]) -> set[str]:
    """Existing usernames that start with one of `bases`, in a few queries rather than one per row."""
    taken: set[str] = set()
    ordered = sorted(bases)
    for start in range(0, len(ordered), 100):
        prefixes = [col(User.username).startswith(base) for base in ordered[start : start + 100]]
        taken.update(session.exec(select(User.username).where(or_(*prefixes))).all())
    return taken


def _entry(
    lookup: _Lookup,
    row: RosterRow,
    claimed: set[str],
    columns: dict[str, str],
    problems: list[Problem],
) -> Entry | None:
    """The row's outcome, or None after adding its problems."""
    by_username = lookup.by_username.get(row.username or "")
    by_id = lookup.by_national_id.get(row.national_id or "")
    institution_id = lookup.institutions.get(fold(row.institution)) if row.institution else None
    before = len(problems)
    if row.institution and institution_id is None:
        problems.append(
            Problem(
                row.row,
                columns.get("institution"),
                N_(
                    "No conocemos la institución «%(value)s». "
                    "Escríbala como figura en la lista de instituciones."
                ),
                {"value": row.institution},
            )
        )
    if by_username and by_id and by_username.id != by_id.id:
        problems.append(
            Problem(
                row.row,
                columns.get("national_id"),
                N_(
                    "El usuario «%(username)s» y la cédula «%(national_id)s» pertenecen a personas distintas."
                ),
                {"username": by_username.username, "national_id": row.national_id},
            )
        )
    elif by_username and not by_id and row.national_id and by_username.national_id:
        problems.append(
            Problem(
                row.row,
                columns.get("national_id"),
                N_("El usuario «%(username)s» ya existe con otra cédula."),
                {"username": by_username.username},
            )
        )
    user = by_username or by_id
    if user is not None and not user.active:
        problems.append(
            Problem(
                row.row,
                None,
                N_("La cuenta «%(username)s» está desactivada. Pida a un administrador que la active."),
                {"username": user.username},
            )
        )
    if len(problems) > before:
        return None
    if user is None:
        username = row.username or _derive_username(row, claimed)
        return Entry(row, Outcome.new, username, institution_id=institution_id)
    outcome = Outcome.member if user.id in lookup.members else Outcome.existing
    matched_by = "username" if by_username is not None else "national_id"
    return Entry(row, outcome, user.username, user, matched_by, institution_id)


def _base(row: RosterRow) -> str:
    base = username_base(row.full_name)
    return base if len(base) >= 2 else f"ci{row.national_id}"


def _derive_username(row: RosterRow, claimed: set[str]) -> str:
    """nombre.apellido from the name (ASCII, lowercase), numbered when taken (`claimed`); else ci<cédula>."""
    base = _base(row)
    candidate, n = base, 1
    while candidate in claimed:
        n += 1
        candidate = f"{base}{n}"
    claimed.add(candidate)
    return candidate


def username_base(full_name: str) -> str:
    """ "González Benítez, María José" and "María José González" give maria.gonzalez."""
    if "," in full_name:
        surnames, given = full_name.split(",", 1)
        words = _ascii_words(given)[:1] + _ascii_words(surnames)[:1]
    else:
        words = _ascii_words(full_name)
        words = words[:1] + words[-1:] if len(words) > 1 else words
    return ".".join(words)[:40].strip(".")


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w]


def apply(
    session: Session,
    cohort: Cohort,
    roster: Roster,
    *,
    actor: User,
    code_lifetime: timedelta = activation.CODE_LIFETIME,
) -> tuple[Plan, list[NewAccount]]:
    """Import the roster in the caller's transaction, all or nothing; returns the plan and the new codes.

    Raises ImportConflict when any row is invalid or someone changed the same people meanwhile.
    """
    result = plan(session, cohort, roster)
    if not result.ok:
        raise ImportConflict(N_("El archivo tiene errores; no se importó nada. Revise la vista previa."))
    try:
        created = _create(
            session, cohort, [e for e in result.entries if e.outcome == Outcome.new], actor, code_lifetime
        )
        joining = [e.user for e in result.entries if e.outcome != Outcome.member and e.user is not None]
        cohort_service.add_members(session, cohort, joining, MemberSource.roster)
        session.flush()
    except IntegrityError as error:
        raise ImportConflict(
            N_("Otra persona cambió estas cuentas al mismo tiempo. Vuelva a subir el archivo.")
        ) from error
    audit.record(
        session,
        actor.id,
        "cohort.roster_import",
        cohort,
        created=len(created),
        added=result.count(Outcome.existing),
        unchanged=result.count(Outcome.member),
    )
    return result, created


def _create(
    session: Session, cohort: Cohort, entries: list[Entry], actor: User, code_lifetime: timedelta
) -> list[NewAccount]:
    """New officers with activation codes (one flush for all); the department defaults to the cohort's
    and the password stays unusable until activation."""
    for entry in entries:
        row = entry.row
        entry.user = User(
            username=entry.username,
            full_name=row.full_name,
            national_id=row.national_id,
            rank=row.rank,
            institution_id=entry.institution_id,
            department=row.department or cohort.department,
            sex=Sex(row.sex) if row.sex else None,
            role=Role.officer,
            password_hash="",
        )
    users = [entry.user for entry in entries if entry.user is not None]
    session.add_all(users)
    session.flush()
    return [
        NewAccount(u, code)
        for u, code in zip(
            users, activation.issue_new(session, users, actor=actor, lifetime=code_lifetime), strict=True
        )
    ]


def reissue_code(
    session: Session,
    cohort: Cohort,
    user_id: int,
    *,
    actor: User,
    code_lifetime: timedelta = activation.CODE_LIFETIME,
) -> NewAccount:
    """A new one-time code for an officer of the cohort; the old one stops working.

    Before activation it is the activation code; afterwards it is how an officer who forgot the
    password chooses a new one (at /activate, like the first time). Both are audited.
    """
    user = session.get(User, user_id)
    if user is None or not cohort_service.is_member(session, cohort, user_id):
        raise NotFound(N_("Esa persona no participa en esta cohorte."))
    if user.role != Role.officer:
        raise ImportConflict(
            N_(
                "Solo los oficiales reciben códigos aquí; la administración cambia las "
                "contraseñas del personal."
            )
        )
    action = "cohort.recovery_code" if activation.is_activated(user) else "cohort.activation_code"
    code = activation.issue(session, user, actor=actor, lifetime=code_lifetime)
    audit.record(session, actor.id, action, user, cohort_id=cohort.id)
    return NewAccount(user, code)


def set_join_code(session: Session, cohort: Cohort, *, enabled: bool, actor: User) -> None:
    """A new join code (the old one stops working), or none, which closes joining by code."""
    cohort.join_code = cohort_service.new_join_code() if enabled else None
    session.add(cohort)
    audit.record(session, actor.id, "cohort.join_code", cohort, enabled=enabled)


def join(session: Session, user: User, typed: str, policy: ThrottlePolicy) -> Cohort | Refusal:
    """Put `user` in the cohort whose join code they typed; wrong guesses are throttled per user."""
    throttle = activation.open_attempt(session, f"join:{user.id}")
    if throttle is None:
        return Refusal.locked
    code = "".join(c for c in typed.upper() if c in cohort_service.JOIN_ALPHABET)[:16]
    cohort = session.exec(select(Cohort).where(Cohort.join_code == code)).first() if code else None
    if cohort is None:
        return Refusal.locked if activation.count_failure(throttle, policy) else Refusal.bad_code
    session.delete(throttle)
    cohort_service.add_member(session, cohort, user, MemberSource.join_code)
    return cohort
