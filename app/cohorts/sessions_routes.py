"""In-person sessions and attendance."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import LedCohort
from app.web import redirect

router = APIRouter(prefix="/cohorts")


@router.get("/{cohort_id}/sessions", name="cohorts:sessions")
def sessions(request: Request, cohort: LedCohort) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort.id)
