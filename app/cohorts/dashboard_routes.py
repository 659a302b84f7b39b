"""Progress dashboard, charts, CSV export and item analysis (placeholder until that work lands)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import LedCohort
from app.web import redirect

router = APIRouter(prefix="/cohorts")


@router.get("/{cohort_id}/dashboard", name="cohorts:dashboard")
def dashboard(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)


@router.get("/{cohort_id}/analysis", name="cohorts:item_analysis")
def item_analysis(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)
