"""Dependencies that load a cohort the current user may see (else 404) and check who may lead."""

from typing import Annotated

from fastapi import Depends

from app.access import CurrentUser, Permission, can
from app.accounts.models import User
from app.cohorts import service
from app.cohorts.models import Cohort
from app.cohorts.trainers import certification as trainers
from app.db import SessionDep
from app.errors import Forbidden
from app.i18n import N_


def led_cohort(cohort_id: int, user: CurrentUser, session: SessionDep) -> Cohort:
    """The cohort in the URL, provided the user is an admin, its lead or a co-trainer."""
    return service.led_cohort(session, user, cohort_id)


def cohort_leader(user: CurrentUser, session: SessionDep) -> User:
    """Staff, or an officer with an active trainer certification (checked on every request)."""
    if not trainers.is_trainer(session, user):
        raise trainers.NotCertified(
            N_("Para dirigir cohortes necesita una certificación de formador vigente.")
        )
    return user


def cohort_grader(user: CurrentUser, session: SessionDep) -> User:
    """Staff who grade, or a certified trainer: they mark the open answers of their own cohorts."""
    if not (can(user, Permission.grade_responses) or trainers.is_trainer(session, user)):
        raise Forbidden(N_("No tiene permiso para ver esta página."))
    return user


LedCohort = Annotated[Cohort, Depends(led_cohort)]
CohortGrader = Annotated[User, Depends(cohort_grader)]
CohortLeader = Annotated[User, Depends(cohort_leader)]
