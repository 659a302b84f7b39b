"""Practicum scoring and trainer certification (lead trainers), revocation (admins), the cohort's grading
queue."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import CurrentUser, TrainerCertifier
from app.certificates import service as certificate_service
from app.cohorts.deps import LedCohort
from app.cohorts.models import Cohort
from app.cohorts.trainers import certification as trainers
from app.cohorts.trainers import practicum
from app.courses import service as course_service
from app.db import SessionDep
from app.i18n import current_language, gettext
from app.inputs import DbIdQuery
from app.paging import PageNumber, requested_page
from app.web import FormDep, redirect, redirect_to, render, translate

router = APIRouter(prefix="/cohorts")


@router.get("/trainers", name="cohorts:trainers")
def trainer_list(
    request: Request, user: TrainerCertifier, session: SessionDep, page: PageNumber, q: str = ""
) -> Response:
    """Every trainer certification, with who holds it and where it came from, a page at a time."""
    context = {
        "page": trainers.certified_trainers(session, q[:100], page),
        "query": q[:100],
        "titles": course_service.titles(session),
    }
    return render(request, "cohorts/trainers.html", context, block="results")


@router.post("/trainers/{certification_id:int}/revoke", name="cohorts:revoke_trainer")
def revoke_trainer(
    request: Request,
    certification_id: int,
    user: TrainerCertifier,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=500)] = "",
    q: Annotated[str, Form(max_length=100)] = "",
    page: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Revoke, then back to the page of the list the admin was on."""
    revoked = trainers.revoke(session, certification_id, reason, actor=user)
    certificate_service.revoke_trainer_certificates(session, revoked, actor=user)
    back = request.url_for("cohorts:trainers").include_query_params(q=q, page=requested_page(page))
    return redirect_to(request, str(back), flash=gettext("Certificación de formador/a revocada."))


@router.get("/{cohort_id:int}/practicum", name="cohorts:practicum")
def practicum_page(
    request: Request, cohort: LedCohort, session: SessionDep, confirm: DbIdQuery = None
) -> Response:
    """Each trainee's standing; `confirm` shows the confirmation step before certifying that trainee."""
    slug, course = practicum.tot_course(session, cohort)
    return render(
        request,
        "cohorts/practicum.html",
        {
            "cohort": cohort,
            "course": course,
            "trainees": practicum.trainees(session, cohort),
            "titles": course_service.titles(session),
            "lang": current_language(),
            "confirm": confirm,
        },
    )


@router.get("/{cohort_id:int}/practicum/{user_id:int}", name="cohorts:practicum_form")
def practicum_form(request: Request, cohort: LedCohort, user_id: int, session: SessionDep) -> Response:
    return render(request, "cohorts/practicum_form.html", _form_context(session, cohort, user_id))


def _form_context(session: SessionDep, cohort: Cohort, user_id: int, **extra: object) -> dict[str, object]:
    _, course = practicum.tot_course(session, cohort)
    return {
        "cohort": cohort,
        "rubric": course.manifest.practicum,
        "lang": current_language(),
        "trainee": practicum.trainee(session, cohort, user_id),
        "chosen": {},
        **extra,
    }


@router.post("/{cohort_id:int}/practicum/{user_id:int}", name="cohorts:score_practicum")
def score_practicum(
    request: Request, cohort: LedCohort, user_id: int, user: CurrentUser, session: SessionDep, data: FormDep
) -> Response:
    levels = {
        key[len("level_") :]: value
        for key, value in data.items()
        if key.startswith("level_") and isinstance(value, str)
    }
    comment = data.get("comment")
    comment = comment if isinstance(comment, str) else ""
    try:
        scored = practicum.score(session, cohort, user_id, levels, comment, grader=user)
    except practicum.InvalidScore as error:
        context = _form_context(
            session, cohort, user_id, error=translate(error), chosen=levels, comment=comment
        )
        return render(request, "cohorts/practicum_form.html", context, status_code=422)
    done = (
        gettext("Práctica guardada: %(total)s puntos, aprobada.")
        if scored.passed
        else gettext("Práctica guardada: %(total)s puntos, no aprobada.")
    ) % {"total": scored.total}
    return redirect(request, "cohorts:practicum", cohort_id=cohort.id, flash=done)


@router.post("/{cohort_id:int}/practicum/{user_id:int}/certify", name="cohorts:certify")
def certify(
    request: Request, cohort: LedCohort, user_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    trainee = practicum.trainee(session, cohort, user_id).member
    practicum.certify(session, cohort, user_id, actor=user)
    done = gettext("%(name)s ya es formador/a certificado/a.") % {"name": trainee.full_name}
    return redirect(request, "cohorts:practicum", cohort_id=cohort.id, flash=done)


@router.get("/{cohort_id:int}/grading", name="cohorts:grading")
def grading(request: Request, cohort: LedCohort) -> Response:
    """The grading queue, narrowed to this cohort."""
    return redirect_to(
        request, str(request.url_for("quizzes:grading").include_query_params(cohort_id=cohort.id))
    )
