"""Login delays in force (per username and client address, or per address), which an admin may clear."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.access import UserManager
from app.accounts import auth
from app.db import SessionDep
from app.web import redirect, render

router = APIRouter(prefix="/admin")


@router.get("/lockouts", name="admin:lockouts")
def lockouts(request: Request, user: UserManager, session: SessionDep) -> Response:
    return render(request, "admin/lockouts.html", {"locks": auth.locked_keys(session)})


@router.post("/lockouts/clear", name="admin:clear_lockout")
def clear_lockout(
    request: Request, user: UserManager, session: SessionDep, key: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    auth.clear_lock(session, key, actor=user)
    return redirect(request, "admin:lockouts")
