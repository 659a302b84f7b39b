"""Police headcounts per department, entered by an admin (audited), so reach reads as a share."""

from sqlmodel import Session, select

from app import audit
from app.accounts.departments import DEPARTMENTS
from app.accounts.models import User
from app.evidence.models import DepartmentHeadcount
from app.i18n import N_
from app.timeutil import utcnow

MAX_OFFICERS = 100_000  # Paraguay's whole police force is about 27,000


def current(session: Session) -> dict[str, DepartmentHeadcount]:
    return {row.department: row for row in session.exec(select(DepartmentHeadcount))}


def save(session: Session, values: dict[str, str], *, actor: User) -> dict[str, str]:
    """Set the headcounts given (an empty field clears one); on any bad value, errors by department and no
    change."""
    parsed: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for code, raw in values.items():
        if code not in DEPARTMENTS:
            continue
        text = raw.strip().replace(".", "").replace(",", "")  # "1.234" and "1,234" as typed in either locale
        if not text:
            parsed[code] = None
        elif text.isdigit() and 0 < int(text) <= MAX_OFFICERS:
            parsed[code] = int(text)
        else:
            errors[code] = N_(
                "Escriba un número entero de oficiales entre 1 y 100.000, o deje el campo vacío."
            )
    if errors:
        return errors
    existing = current(session)
    for code, officers in parsed.items():
        _apply(session, existing.get(code), code, officers, actor)
    return {}


def _apply(
    session: Session, row: DepartmentHeadcount | None, code: str, officers: int | None, actor: User
) -> None:
    before = row.officers if row else None
    if before == officers:
        return
    if officers is None:
        assert row is not None
        audit.record(session, actor.id, "headcount.clear", row, department=code, before=before)
        session.delete(row)
        return
    row = row or DepartmentHeadcount(department=code, officers=officers, updated_by_id=actor.id or 0)
    row.officers, row.updated_at, row.updated_by_id = officers, utcnow(), actor.id or 0
    session.add(row)
    audit.record(session, actor.id, "headcount.set", row, department=code, before=before, officers=officers)
