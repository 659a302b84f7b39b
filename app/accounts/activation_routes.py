"""Account activation with a one-time code handed out by an instructor (placeholder until it lands)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import MaybeUser
from app.web import redirect

router = APIRouter()


@router.get("/activate", name="accounts:activate_form")
def activate_form(request: Request, user: MaybeUser) -> Response:
    return redirect(request, "accounts:login_form")
