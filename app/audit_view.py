"""Reading the audit log: who (by name), what (in words), on which object (linked), filtered and paged."""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import names
from app.accounts.models import Institution, User
from app.audit import AuditEntry
from app.certificates.models import Certificate
from app.cohorts.models import Cohort, Meeting
from app.i18n import N_, gettext
from app.paging import Page, paginate
from app.spreadsheets import neutralise
from app.timeutil import LOCAL_TZ, local

PAGE_SIZE = 50
EXPORT_LIMIT = 20000
ACTIONS = {
    "create_cohort": N_("Creó una cohorte"),
    "update_cohort": N_("Editó una cohorte"),
    "reassign_cohort_lead": N_("Cambió quién dirige una cohorte"),
    "cohort.roster_import": N_("Inscribió participantes desde una planilla"),
    "cohort.activation_code": N_("Entregó un código de activación"),
    "cohort.recovery_code": N_("Entregó un código para recuperar la cuenta"),
    "cohort.join_code": N_("Cambió el código para unirse"),
    "session.create": N_("Programó una sesión presencial"),
    "session.update": N_("Cambió una sesión presencial"),
    "attendance.mark": N_("Registró asistencia"),
    "attendance.all_present": N_("Marcó a todos presentes"),
    "attendance.sheet": N_("Cargó una planilla de asistencia"),
    "practicum.score": N_("Puntuó una práctica"),
    "certify_trainer": N_("Certificó a un/a formador/a"),
    "revoke_trainer": N_("Revocó una certificación de formador/a"),
    "certificates.request": N_("Pidió la emisión de certificados"),
    "certificate.issue": N_("Emitió un certificado"),
    "certificate.revoke": N_("Revocó un certificado"),
    "answer.mark": N_("Calificó una respuesta"),
    "course.publish": N_("Publicó una versión de curso"),
    "user.create": N_("Creó un usuario"),
    "user.update": N_("Editó un usuario"),
    "user.activate": N_("Activó una cuenta"),
    "user.deactivate": N_("Desactivó una cuenta"),
    "institution.save": N_("Guardó una institución"),
    "institution.activate": N_("Activó una institución"),
    "institution.deactivate": N_("Desactivó una institución"),
}

DETAIL_LABELS = {
    "created": N_("cuentas nuevas"),
    "added": N_("agregadas"),
    "unchanged": N_("sin cambios"),
    "name": N_("nombre"),
    "department": N_("departamento"),
    "before": N_("antes"),
    "starts_at": N_("inicio"),
    "role": N_("rol"),
    "officers": N_("oficiales"),
    "hours": N_("horas"),
    "username": N_("usuario"),
    "total": N_("total"),
    "status": N_("estado"),
    "starts_on": N_("desde"),
    "ends_on": N_("hasta"),
    "reason": N_("motivo"),
    "points": N_("puntos"),
    "number": N_("número"),
    "marked": N_("registrados"),
    "enabled": N_("activo"),
    "eligible": N_("listos para emitir"),
    "due_dates": N_("fechas límite"),
    "course": N_("curso"),
    "sequence": N_("versión"),
    "place": N_("lugar"),
    "topic": N_("tema"),
}


def detail_label(key: str) -> str:
    """A detail's key in the reader's language; ids and rare keys stay as recorded."""
    return gettext(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key


def action_name(action: str) -> str:
    """The action in the reader's language; an action this page does not know yet shows its code."""
    return gettext(ACTIONS[action]) if action in ACTIONS else action


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""  # part of a name or username
    action: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor: User | None
    action: str  # in words
    target: str  # what a person calls the object
    link: tuple[str, dict[str, Any]] | None  # route name and parameters, when the object has a page
    details: dict[str, Any]


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _query(filters: AuditFilter) -> SelectOfScalar[AuditEntry]:
    query = select(AuditEntry)
    if filters.who.strip():
        like = names.like_pattern(filters.who)  # accent- and case-insensitive, as the users list
        actors = select(User.id).where(
            or_(col(User.name_key).like(like, escape="\\"), col(User.username).like(like, escape="\\"))
        )
        query = query.where(col(AuditEntry.actor_id).in_(actors))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since:
        query = query.where(col(AuditEntry.at) >= datetime.combine(filters.since, time(), tzinfo=LOCAL_TZ))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), tzinfo=LOCAL_TZ)
        query = query.where(col(AuditEntry.at) < end)
    return query


def page(session: Session, filters: AuditFilter) -> Page[Row]:
    """One page of entries matching the filters, newest first."""
    query = _query(filters).order_by(col(AuditEntry.id).desc())
    return paginate(session, query, filters.page, PAGE_SIZE, lambda entries: readable(session, list(entries)))


def actions_seen(session: Session) -> list[tuple[str, str]]:
    """The actions the log holds, as (code, words), for the "what" filter."""
    codes = session.exec(select(AuditEntry.action).distinct()).all()
    return sorted(((code, action_name(code)) for code in codes), key=lambda pair: pair[1])


def readable(session: Session, entries: list[AuditEntry]) -> list[Row]:
    """Names for actors and objects, loaded once per kind for the whole page."""
    ids: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_id.isdigit():
            ids.setdefault(entry.target_type, set()).add(int(entry.target_id))
    people = _by_id(session, User, ids.get("user", set()) | {e.actor_id for e in entries if e.actor_id})
    cohorts = _by_id(session, Cohort, ids.get("cohort", set()))
    certificates = _by_id(session, Certificate, ids.get("certificate", set()))
    institutions = _by_id(session, Institution, ids.get("institution", set()))
    meetings = _by_id(session, Meeting, ids.get("cohortsession", set()))
    known = {
        "user": people,
        "cohort": cohorts,
        "certificate": certificates,
        "institution": institutions,
        "cohortsession": meetings,
    }
    return [_row(entry, people, known) for entry in entries]


def _by_id(session: Session, model: Any, wanted: Iterable[int]) -> dict[int, Any]:
    wanted = list(wanted)
    return {o.id: o for o in session.exec(select(model).where(col(model.id).in_(wanted)))} if wanted else {}


def _row(entry: AuditEntry, people: dict[int, User], known: dict[str, dict[int, Any]]) -> Row:
    details = {detail_label(key): value for key, value in _details(entry.details).items()}
    found = known.get(entry.target_type, {}).get(int(entry.target_id)) if entry.target_id.isdigit() else None
    target, link = _describe(entry.target_type, found)
    return Row(
        entry,
        people.get(entry.actor_id) if entry.actor_id else None,
        action_name(entry.action),
        target or f"{entry.target_type} {entry.target_id}",
        link,
        details,
    )


def _describe(kind: str, found: Any) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    if found is None:
        return "", None
    if kind == "user":
        return found.full_name, ("admin:edit_user", {"user_id": found.id})
    if kind == "cohort":
        return found.name, ("cohorts:detail", {"cohort_id": found.id})
    if kind == "certificate":
        return found.serial, ("certificates:detail", {"certificate_id": found.id})
    if kind == "institution":
        return found.name, ("admin:institutions", {})
    if kind == "cohortsession":
        when = local(found.starts_at).strftime("%d/%m/%Y %H:%M")
        return gettext("Sesión del %(date)s") % {"date": when}, (
            "cohorts:roll",
            {"cohort_id": found.cohort_id, "session_id": found.id},
        )
    return "", None


def _details(raw: str) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {"": raw}
    return parsed if isinstance(parsed, dict) else {"": raw}


def export_csv(session: Session, filters: AuditFilter) -> bytes:
    """The filtered log as CSV (newest first, formulas neutralised), as the dashboard's export writes it."""
    entries = session.exec(_query(filters).order_by(col(AuditEntry.id).desc()).limit(EXPORT_LIMIT)).all()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [gettext("Fecha"), gettext("Quién"), gettext("Acción"), gettext("Objeto"), gettext("Detalles")]
    )
    for row in readable(session, list(entries)):
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    local(row.entry.at).strftime("%Y-%m-%d %H:%M"),
                    row.actor.full_name if row.actor else "",
                    row.action,
                    row.target,
                    json.dumps(row.details, ensure_ascii=False),
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")
