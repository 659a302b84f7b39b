"""Cohorts: the list a trainer leads, creating one, and a cohort's page."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import CohortAdmin, CurrentUser
from app.accounts import service as accounts_service
from app.accounts.models import User
from app.certificates import issue_requests as certificate_requests
from app.cohorts import forms, service
from app.cohorts.deps import CohortLeader, LedCohort
from app.cohorts.meetings import calendar, planning
from app.cohorts.models import Cohort, CohortKind
from app.cohorts.trainers import certifiable
from app.cohorts.trainers import certification as trainers
from app.courses import service as course_service
from app.db import SessionDep
from app.i18n import current_language, gettext
from app.web import FormDep, redirect, render, translate

router = APIRouter(prefix="/cohorts")


@router.get("", name="cohorts:index")
def index(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """Cohorts the user leads or co-trains, and those they take part in."""
    context = {
        "led": service.cohorts_for(session, user),
        "joined": service.joined_by(session, user),
        "is_trainer": trainers.is_trainer(session, user),
        "certifications": trainers.active_certifications(session, user.id or 0),
        "standings": certifiable.of_graduate(session, user),
        "titles": course_service.titles(session),
    }
    return render(request, "cohorts/index.html", context)


def _form_context(session: Session, user: User, **extra: object) -> dict[str, object]:
    return {
        "courses": forms.course_choices(session, user),
        "kinds": list(CohortKind),
        "institutions": accounts_service.list_institutions(session, active_only=True),
        **extra,
    }


@router.get("/new", name="cohorts:new")
def new(request: Request, user: CohortLeader, session: SessionDep) -> Response:
    return render(request, "cohorts/form.html", _form_context(session, user, values={}))


@router.post("/new", name="cohorts:create")
def create(request: Request, user: CohortLeader, session: SessionDep, data: FormDep) -> Response:
    try:
        cohort = service.create(session, forms.parse(session, data, user), actor=user)
    except (forms.InvalidCohort, trainers.NotCertified) as error:
        context = _form_context(
            session,
            user,
            values=forms.submitted(data),
            error=translate(error),
            error_field=getattr(error, "field", "course"),
        )
        return render(request, "cohorts/form.html", context, status_code=422)
    return redirect(request, "cohorts:detail", cohort_id=cohort.id, flash=gettext("Cohorte creada."))


@router.get("/{cohort_id:int}", name="cohorts:detail")
def detail(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    context = {
        "cohort": cohort,
        "courses": service.courses(session, cohort),
        "members": service.members(session, cohort),
        "co_trainers": service.co_trainers(session, cohort),
        "lead": session.get(User, cohort.lead_id),
        "certificate_request": certificate_requests.state(session, cohort),
        "titles": course_service.titles(session),
        "warnings": planning.warnings(session, cohort),
        "lang": current_language(),
        "calendar_url": calendar.cohort_feed_url(request, cohort),
    }
    return render(request, "cohorts/detail.html", context)


@router.post("/{cohort_id:int}/lead", name="cohorts:reassign_lead")
def reassign_lead(
    request: Request,
    cohort_id: int,
    user: CohortAdmin,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    service.reassign_lead(session, service.led_cohort(session, user, cohort_id), username, actor=user)
    return redirect(
        request, "cohorts:detail", cohort_id=cohort_id, flash=gettext("Cambió quién dirige la cohorte.")
    )


def _edit_context(session: Session, cohort: Cohort, **extra: object) -> dict[str, object]:
    co = ", ".join(u.username for u in service.co_trainers(session, cohort))
    values = {
        "name": cohort.name,
        "department": cohort.department,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "co_trainers": co,
        **{
            f"due_{c.course_slug}": c.due_on.isoformat() if c.due_on else ""
            for c in service.courses(session, cohort)
        },
    }
    return {
        "cohort": cohort,
        "courses": service.courses(session, cohort),
        "values": values,
        "titles": course_service.titles(session),
        **extra,
    }


@router.get("/{cohort_id:int}/edit", name="cohorts:edit")
def edit(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    return render(request, "cohorts/edit.html", _edit_context(session, cohort))


@router.post("/{cohort_id:int}/edit", name="cohorts:update")
def update(
    request: Request, cohort: LedCohort, user: CurrentUser, session: SessionDep, data: FormDep
) -> Response:
    slugs = [c.course_slug for c in service.courses(session, cohort)]
    try:
        service.update(session, cohort, forms.parse_changes(session, data, slugs), actor=user)
    except forms.InvalidCohort as error:
        context = _edit_context(session, cohort, error=translate(error), error_field=error.field)
        context["values"] = forms.submitted(data)
        return render(request, "cohorts/edit.html", context, status_code=422)
    return redirect(request, "cohorts:detail", cohort_id=cohort.id, flash=gettext("Cambios guardados."))
