"""Liveness for load balancers and the Dockerfile's HEALTHCHECK."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.access import PUBLIC
from app.db import SessionDep

router = APIRouter()


@router.get("/healthz", name="health", dependencies=[PUBLIC])
def health(session: SessionDep) -> JSONResponse:
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})
