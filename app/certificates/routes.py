"""Certificates: issue, download, verify (placeholder until that work lands)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access import CertificateManager
from app.web import redirect

router = APIRouter()


@router.get("/admin/certificates", name="certificates:admin_index")
def admin_index(request: Request, user: CertificateManager) -> Response:
    return redirect(request, "admin:index")


@router.get("/admin/certificates/cohorts/{cohort_id}", name="certificates:cohort")
def cohort(request: Request, cohort_id: int, user: CertificateManager) -> Response:
    return redirect(request, "cohorts:detail", cohort_id=cohort_id)
