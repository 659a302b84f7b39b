"""The training-of-trainers cascade view (placeholder until that work lands)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cohorts.deps import CohortLeader
from app.web import redirect

router = APIRouter(prefix="/cascade")


@router.get("", name="cascade:tree")
def tree(request: Request, user: CohortLeader) -> Response:
    return redirect(request, "cohorts:index")
