"""Who may read which report: admins every department and the country; a commission member only theirs.

Anything outside a reader's scope answers 404, as cohorts do, so ids and codes reveal nothing.
The period comes from the query string; a date that is not one is a 422 with a message.
"""

from datetime import date

from sqlmodel import Session

from app.accounts.departments import DEPARTMENTS
from app.accounts.models import Role, User
from app.cohorts.models import Cohort
from app.errors import DomainError, NotFound
from app.evidence.figures import Period
from app.i18n import N_

COUNTRY = "paraguay"


class InvalidPeriod(DomainError):
    status_code = 422


def department_for(user: User, scope: str) -> str | None:
    """The department a report covers (None: the country), provided the reader may see it."""
    if scope != COUNTRY and scope not in DEPARTMENTS:
        raise NotFound(N_("No encontramos este departamento."))
    code = None if scope == COUNTRY else scope
    if user.role == Role.commission and code != user.department:
        raise NotFound(N_("No encontramos este departamento."))
    return code


def home_scope(user: User) -> str | None:
    """The report a commission member opens first; None for admins, who choose."""
    return user.department if user.role == Role.commission else None


def readable_cohort(session: Session, user: User, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or (user.role == Role.commission and cohort.department != user.department):
        raise NotFound(N_("No encontramos esta cohorte."))
    return cohort


def period(start: str, end: str) -> Period:
    """The period from two ISO dates, either may be empty (open)."""
    first, last = _date(start), _date(end)
    if first and last and first > last:
        raise InvalidPeriod(N_("El período termina antes de empezar: revise las fechas."))
    return Period(first, last)


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidPeriod(
            N_("«%(value)s» no es una fecha: use el calendario o escriba AAAA-MM-DD."), value=value[:20]
        ) from None
