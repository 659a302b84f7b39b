"""Practicum scoring, trainer certification, and the cohort's grading queue."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import LedCohort
from app.web import redirect

router = APIRouter(prefix="/cohorts")


@router.get("/{cohort_id}/practicum", name="cohorts:practicum")
def practicum(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)


@router.get("/{cohort_id}/grading", name="cohorts:grading")
def grading(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)
