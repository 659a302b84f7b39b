"""Roster CSV import, activation codes and join codes (placeholder until the roster work lands)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import LedCohort
from app.web import redirect

router = APIRouter(prefix="/cohorts")


@router.get("/{cohort_id}/roster", name="cohorts:roster")
def roster(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)
