"""The cohort form: what an instructor types, checked field by field with messages they can act on."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.accounts.departments import DEPARTMENTS
from app.accounts.models import Institution, Role, User
from app.cohorts.models import CohortKind
from app.cohorts.service import CohortChanges, CohortForm
from app.cohorts.trainers import certification as trainers
from app.courses import service as course_service
from app.errors import FieldError
from app.i18n import N_
from app.inputs import as_db_id


class InvalidCohort(FieldError):
    pass


@dataclass(frozen=True)
class CourseChoice:
    slug: str
    title: object  # schema.Text
    kind: str


def course_choices(session: Session, user: User) -> list[CourseChoice]:
    """Published courses the user may put in a cohort (all for staff; certified ones for trainers)."""
    entries = {course.slug: course for _, course in course_service.published_courses(session)}
    allowed = trainers.leadable_courses(session, user, list(entries))
    return [
        CourseChoice(slug, entries[slug].manifest.title, str(entries[slug].manifest.kind)) for slug in allowed
    ]


def submitted(data: FormData) -> dict[str, object]:
    """The form as typed, to show it again with an error (single fields as text, checkboxes as lists)."""
    values: dict[str, object] = {k: v for k, v in data.items() if isinstance(v, str)}
    values["course"] = [v for v in data.getlist("course") if isinstance(v, str)]
    values["institution_id"] = [v for v in data.getlist("institution_id") if isinstance(v, str)]
    return values


def parse(session: Session, data: FormData, actor: User) -> CohortForm:
    """The submitted cohort form as a CohortForm, or InvalidCohort naming the first bad field."""
    name, department, starts_on, ends_on = _basics(data)
    kind = _text(data, "kind", 40)
    if kind not in CohortKind.__members__:
        raise InvalidCohort("kind", N_("Elija el tipo de cohorte."))
    return CohortForm(
        name=name,
        kind=CohortKind(kind),
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        courses=_courses(session, data, actor, CohortKind(kind)),
        institution_ids=_institutions(session, data),
        co_trainer_ids=_usernames(session, data, "co_trainers"),
        lead_id=_lead(session, data, actor),
    )


def parse_changes(session: Session, data: FormData, slugs: list[str]) -> CohortChanges:
    """The edit form: what may change once officers are enrolled (not the kind or the courses)."""
    name, department, starts_on, ends_on = _basics(data)
    return CohortChanges(
        name=name,
        department=department,
        starts_on=starts_on,
        ends_on=ends_on,
        due_dates={slug: _due(data, slug) for slug in slugs},
        co_trainer_ids=_usernames(session, data, "co_trainers"),
    )


def _basics(data: FormData) -> tuple[str, str, date, date]:
    name = _text(data, "name", 200)
    if not name:
        raise InvalidCohort("name", N_("Escriba un nombre para la cohorte."))
    department = _text(data, "department", 40)
    if department not in DEPARTMENTS:
        raise InvalidCohort("department", N_("Elija un departamento de la lista."))
    starts_on, ends_on = _date(data, "starts_on"), _date(data, "ends_on")
    if starts_on is None or ends_on is None:
        raise InvalidCohort("starts_on", N_("Indique las fechas de inicio y de fin (AAAA-MM-DD)."))
    if ends_on < starts_on:
        raise InvalidCohort("ends_on", N_("La fecha de fin es anterior a la de inicio."))
    return name, department, starts_on, ends_on


def _due(data: FormData, slug: str) -> date | None:
    raw, due = _text(data, f"due_{slug}", 10), _date(data, f"due_{slug}")
    if raw and due is None:
        raise InvalidCohort(f"due_{slug}", N_("La fecha límite no es válida (AAAA-MM-DD)."))
    return due


def _text(data: FormData, name: str, limit: int) -> str:
    value = data.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(data: FormData, name: str) -> date | None:
    try:
        return date.fromisoformat(_text(data, name, 10))
    except ValueError:
        return None


def _courses(session: Session, data: FormData, actor: User, kind: CohortKind) -> dict[str, date | None]:
    choices = {c.slug: c for c in course_choices(session, actor)}
    chosen = [v for v in data.getlist("course") if isinstance(v, str)]
    if not chosen:
        raise InvalidCohort("course", N_("Elija al menos un curso."))
    unknown = [slug for slug in chosen if slug not in choices]
    if unknown:
        raise InvalidCohort("course", N_("No puede incluir el curso «%(slug)s»."), slug=unknown[0][:80])
    has_tot = any(choices[slug].kind == "training_of_trainers" for slug in chosen)
    if (kind == CohortKind.training_of_trainers) != has_tot:
        raise InvalidCohort(
            "course",
            N_(
                "Una cohorte de formación de formadores incluye el curso de formación de formadores; "
                "una de oficiales, no."
            ),
        )
    return {slug: _due(data, slug) for slug in chosen}


def _institutions(session: Session, data: FormData) -> list[int]:
    ids = [i for v in data.getlist("institution_id") if isinstance(v, str) and (i := as_db_id(v)) is not None]
    found = (
        set(session.exec(select(Institution.id).where(col(Institution.id).in_(ids))).all()) if ids else set()
    )
    if set(ids) - found:
        raise InvalidCohort("institution_id", N_("Una de las instituciones elegidas no existe."))
    return ids


def _usernames(session: Session, data: FormData, name: str) -> list[int]:
    names = [n.strip().lower() for n in _text(data, name, 1000).replace(";", ",").split(",") if n.strip()]
    ids = []
    for username in names:
        found = session.exec(
            select(User).where(User.username == username, col(User.active).is_(True))
        ).first()
        if found is None:
            raise InvalidCohort(name, N_("No existe el usuario «%(username)s»."), username=username[:64])
        if not trainers.is_trainer(session, found):
            raise InvalidCohort(
                name,
                N_("«%(username)s» no es instructor/a ni formador/a certificado/a."),
                username=username[:64],
            )
        ids.append(found.id or 0)
    return ids


def _lead(session: Session, data: FormData, actor: User) -> int | None:
    username = _text(data, "lead", 64).lower()
    if actor.role != Role.admin or not username:
        return None
    found = session.exec(select(User).where(User.username == username, col(User.active).is_(True))).first()
    if found is None:
        raise InvalidCohort("lead", N_("No existe el usuario «%(username)s»."), username=username)
    return found.id
