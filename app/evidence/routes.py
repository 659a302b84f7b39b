"""The evidence report (page, CSV, signed PDF), a cohort's aggregate figures, and police headcounts."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.access import EvidenceReader, HeadcountManager
from app.db import SessionDep
from app.evidence import export, headcounts, numbers, report, scope, signing, tables
from app.evidence.figures import Period
from app.i18n import current_language
from app.timeutil import local, utcnow
from app.web import FormDep, redirect, render

router = APIRouter(prefix="/evidence")
DateQuery = Annotated[str, Query(max_length=20)]


def _today() -> date:
    return local(utcnow()).date()


def _build(session: SessionDep, user: EvidenceReader, code: str, start: str, end: str) -> report.Report:
    return report.build(session, scope.department_for(user, code), scope.period(start, end), _today())


@router.get("", name="evidence:index")
def index(request: Request, user: EvidenceReader, session: SessionDep) -> Response:
    """A commission member goes to their department's report; admins choose one, or the country."""
    own = scope.home_scope(user)
    if own is not None:
        return redirect(request, "evidence:report", code=own)
    return render(
        request,
        "evidence/index.html",
        {"headcounts": headcounts.current(session), "format_count": numbers.count},
    )


@router.get("/reports/{code}.pdf.sig", name="evidence:signature")
def signature(
    request: Request,
    code: str,
    user: EvidenceReader,
    session: SessionDep,
    start: DateQuery = "",
    end: DateQuery = "",
) -> Response:
    """The detached Ed25519 signature of the PDF the same address without `.sig` gives."""
    from app.evidence import pdf  # fpdf2 and fontTools (about 33 MiB) load with the first PDF, not at start

    found = _build(session, user, code, start, end)
    name = pdf.filename(found)
    data = pdf.render(found)
    return _download(
        signing.sign(data, request.app.state.settings.data_dir, name), "application/json", name + ".sig"
    )


@router.get("/reports/{code}.pdf", name="evidence:pdf")
def pdf_export(
    code: str, user: EvidenceReader, session: SessionDep, start: DateQuery = "", end: DateQuery = ""
) -> Response:
    from app.evidence import pdf  # fpdf2 and fontTools (about 33 MiB) load with the first PDF, not at start

    found = _build(session, user, code, start, end)
    return _download(pdf.render(found), "application/pdf", pdf.filename(found))


@router.get("/reports/{code}.csv", name="evidence:csv")
def csv_export(
    code: str, user: EvidenceReader, session: SessionDep, start: DateQuery = "", end: DateQuery = ""
) -> Response:
    from app.evidence import pdf  # for its file name; fpdf2 loads with the first export, not at start

    found = _build(session, user, code, start, end)
    return _download(export.to_csv(found), "text/csv; charset=utf-8", pdf.filename(found)[:-4] + ".csv")


@router.get("/reports/{code}", name="evidence:report")
def report_page(
    request: Request,
    code: str,
    user: EvidenceReader,
    session: SessionDep,
    start: DateQuery = "",
    end: DateQuery = "",
) -> Response:
    """The report; htmx asks for the figures block alone when the period changes."""
    found = _build(session, user, code, start, end)
    context = {"code": code, "start": start, "end": end, "query": _query(start, end), **_shown(found)}
    return render(request, "evidence/report.html", context, block="figures")


@router.get("/cohorts/{cohort_id:int}", name="evidence:cohort")
def cohort_page(request: Request, cohort_id: int, user: EvidenceReader, session: SessionDep) -> Response:
    """One cohort's aggregate figures: counts and rates, never an officer's answer or grade."""
    cohort = scope.readable_cohort(session, user, cohort_id)
    found = report.build(session, cohort.department, Period(cohort_id=cohort_id), _today())
    return render(request, "evidence/cohort.html", {"cohort": cohort, **_shown(found)}, block="figures")


@router.get("/headcounts", name="evidence:headcounts")
def headcounts_form(request: Request, user: HeadcountManager, session: SessionDep) -> Response:
    return render(request, "evidence/headcounts.html", {"headcounts": headcounts.current(session)})


@router.post("/headcounts", name="evidence:save_headcounts")
def save_headcounts(request: Request, user: HeadcountManager, session: SessionDep, form: FormDep) -> Response:
    """All departments at once; a bad number re-renders the form with 422 and saves nothing."""
    values = {
        key[len("officers-") :]: str(value) for key, value in form.items() if key.startswith("officers-")
    }
    errors = headcounts.save(session, values, actor=user)
    if errors:
        context = {"headcounts": headcounts.current(session), "values": values, "errors": errors}
        return render(request, "evidence/headcounts.html", context, status_code=422)
    return redirect(request, "evidence:headcounts")


def _shown(found: report.Report) -> dict[str, object]:
    return {"report": found, "page": tables.page(found, current_language())}


def _query(start: str, end: str) -> str:
    parts = [f"{name}={value}" for name, value in (("start", start), ("end", end)) if value]
    return "?" + "&".join(parts) if parts else ""


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
