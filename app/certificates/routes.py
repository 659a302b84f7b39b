"""Certificates on the web: admins issue and revoke, officers download their own, anyone verifies."""

import hashlib
import hmac
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, col, select

from app.access import PUBLIC, CertificateManager, CurrentUser, MaybeUser, Permission, can
from app.accounts.models import User
from app.certificates import credentials, issue_requests, keys, service, status_list, throttle, trainer_grid
from app.certificates.models import Certificate
from app.cohorts.deps import LedCohort
from app.cohorts.models import Cohort
from app.courses import service as course_service
from app.db import SessionDep, write_after
from app.errors import NotFound
from app.i18n import N_, gettext, ngettext
from app.inputs import DbIdFormRequired
from app.timeutil import utcnow
from app.web import is_htmx, public_base_url, redirect, render

router = APIRouter()
BATCH = 5  # certificates per htmx step of a bulk issue, so the page can show progress
JSON_LD = "application/ld+json"


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _details(request: Request, session: Session, certificate: Certificate) -> Any:
    settings = _settings(request)
    return service.details(
        session,
        certificate,
        base_url=public_base_url(request),
        issuer=settings.certificate_issuer,
        signatories=settings.certificate_signatories,
    )


# --- admins -------------------------------------------------------------------------------------


@router.get("/admin/certificates", name="certificates:admin_index")
def admin_index(request: Request, user: CertificateManager, session: SessionDep, q: str = "") -> Response:
    """Cohorts to issue for, the latest certificates, and a lookup by serial."""
    found = (
        session.exec(select(Certificate).where(Certificate.serial == q.strip().upper())).first()
        if q
        else None
    )
    cohorts = session.exec(select(Cohort).order_by(col(Cohort.starts_on).desc())).all()
    return render(
        request,
        "certificates/admin_index.html",
        {
            "cohorts": cohorts,
            "requests": issue_requests.open_requests(session),
            "certificates": _with_holders(session, service.recent(session)),
            "q": q,
            "found": found,
            "titles": course_service.titles(session),
            "now": utcnow(),
        },
    )


def _with_holders(session: Session, certificates: list[Certificate]) -> list[tuple[Certificate, User | None]]:
    return [(certificate, session.get(User, certificate.user_id)) for certificate in certificates]


@router.get("/admin/certificates/cohorts/{cohort_id:int}", name="certificates:cohort")
def cohort(
    request: Request, cohort_id: int, user: CertificateManager, session: SessionDep, confirm: bool = False
) -> Response:
    """Members × courses: issued, eligible, or what is still missing; `confirm` asks before a bulk issue."""
    context = _cohort_context(session, _cohort(session, cohort_id))
    return render(request, "certificates/cohort.html", {**context, "confirm": confirm})


def _cohort(session: Session, cohort_id: int) -> Cohort:
    found = session.get(Cohort, cohort_id)
    if found is None:
        raise NotFound(N_("No encontramos esta cohorte."))
    return found


def _cohort_context(
    session: Session, found: Cohort, result: service.BulkResult | None = None
) -> dict[str, Any]:
    return {
        "cohort": found,
        "grid": service.cohort_grid(session, found),
        "result": result,
        "trainers": trainer_grid.rows(session, found),
        "titles": course_service.titles(session),
    }


@router.post("/admin/certificates/cohorts/{cohort_id:int}/issue", name="certificates:issue_cohort")
def issue_cohort(request: Request, cohort_id: int, user: CertificateManager, session: SessionDep) -> Response:
    """Issue every eligible member's certificates; htmx does it a few at a time, showing progress."""
    found = _cohort(session, cohort_id)
    result = service.issue_cohort(
        session,
        found,
        actor=user,
        prefix=_settings(request).certificate_prefix,
        limit=BATCH if is_htmx(request) else None,
    )
    done = ngettext("Se emitió %(num)d certificado.", "Se emitieron %(num)d certificados.", result.done)
    if not is_htmx(request):
        return redirect(
            request, "certificates:cohort", cohort_id=cohort_id, flash=done % {"num": result.done}
        )
    # htmx: the grid's own progress bar and "Listo" line confirm it, batch by batch.
    return render(request, "certificates/cohort.html", _cohort_context(session, found, result), block="grid")


@router.post("/admin/certificates/issue", name="certificates:issue")
def issue(
    request: Request,
    user: CertificateManager,
    session: SessionDep,
    user_id: DbIdFormRequired,
    course_slug: Annotated[str, Form(max_length=80)],
    cohort_id: DbIdFormRequired,
) -> Response:
    """Issue one officer's certificate for one course of a cohort (again: the same certificate)."""
    found = _cohort(session, cohort_id)
    holder = session.get(User, user_id)
    if holder is None:
        raise NotFound(N_("No encontramos a esta persona."))
    issued = service.issue(
        session, holder, course_slug, actor=user, prefix=_settings(request).certificate_prefix, cohort=found
    )
    done = gettext("Certificado %(serial)s emitido para %(name)s.") % {
        "serial": issued.serial,
        "name": holder.full_name,
    }
    if is_htmx(request):
        return render(
            request, "certificates/cohort.html", _cohort_context(session, found), block="grid", flash=done
        )
    return redirect(request, "certificates:cohort", cohort_id=cohort_id, flash=done)


@router.get("/admin/certificates/{certificate_id:int}", name="certificates:detail")
def detail(request: Request, certificate_id: int, user: CertificateManager, session: SessionDep) -> Response:
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(N_("No encontramos este certificado."))
    return render(
        request,
        "certificates/detail.html",
        {"certificate": certificate, "details": _details(request, session, certificate), "now": utcnow()},
    )


@router.post("/admin/certificates/{certificate_id:int}/revoke", name="certificates:revoke")
def revoke(
    request: Request,
    certificate_id: int,
    user: CertificateManager,
    session: SessionDep,
    reason: Annotated[str, Form(max_length=500)] = "",
    public: Annotated[str, Form()] = "",
) -> Response:
    """Revoke with a reason (shown publicly only if the admin ticks the box); audited."""
    revoked = service.revoke(session, certificate_id, reason, public_reason=public == "on", actor=user)
    done = gettext("Certificado %(serial)s revocado.") % {"serial": revoked.serial}
    return redirect(request, "certificates:detail", certificate_id=certificate_id, flash=done)


# --- officers -----------------------------------------------------------------------------------


@router.get("/certificates", name="certificates:mine")
def mine(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """The officer's own certificates, with PDF downloads and verification links."""
    return render(
        request,
        "certificates/mine.html",
        {
            "certificates": [
                (certificate, _details(request, session, certificate))
                for certificate in service.of_user(session, user)
            ],
            "now": utcnow(),
        },
    )


@router.get("/certificates/{public_id}/certificado.pdf", name="certificates:pdf")
def download_pdf(request: Request, public_id: str, user: CurrentUser, session: SessionDep) -> Response:
    """The PDF, for its holder and for admins; anyone else gets 404."""
    certificate = service.by_public_id(session, public_id)
    if certificate is None or (
        certificate.user_id != user.id and not can(user, Permission.manage_certificates)
    ):
        raise NotFound(N_("No encontramos este certificado."))
    from app.certificates import pdf  # fpdf2 and fontTools load with the first PDF, not at every start

    body = pdf.render(_details(request, session, certificate))
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.pdf"'},
    )


# --- anyone -------------------------------------------------------------------------------------


def _client(request: Request) -> str:
    address = request.client.host if request.client else "unknown"
    return hmac.new(request.app.state.secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


@router.get("/verify/{public_id}", name="certificates:verify")
def verify(request: Request, public_id: str, session: SessionDep, user: MaybeUser) -> Response:
    """VALID, REVOKED or EXPIRED with the few facts needed to trust it; unknown ids count against the IP."""
    settings = _settings(request)
    client, window = _client(request), timedelta(minutes=settings.verify_window_minutes)
    if throttle.throttled(session, client, limit=settings.verify_max_misses, window=window):
        return render(request, "certificates/verify.html", {"throttled": True}, status_code=429)
    certificate = service.by_public_id(session, public_id)
    if certificate is None:
        with write_after(session) as writer:
            throttle.record_miss(writer, client, window=window)
        return render(request, "certificates/verify.html", {"unknown": True}, status_code=404)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "details": _details(request, session, certificate),
            "status": certificate.status(utcnow()),
        },
    )


@router.get("/verify/{public_id}/credential.json", name="certificates:credential")
def credential(request: Request, public_id: str, session: SessionDep, user: MaybeUser) -> Response:
    """The signed Open Badges 3.0 credential, to keep and check offline (`cascada verify`)."""
    certificate = service.by_public_id(session, public_id)
    if certificate is None:
        raise NotFound(N_("No encontramos este certificado."))
    settings = _settings(request)
    document = credentials.open_badge(
        _details(request, session, certificate), base_url=public_base_url(request)
    )
    signed = credentials.sign(
        document,
        keys.current(settings.data_dir),
        did=credentials.did_web(public_base_url(request)),
        created=certificate.issued_at,
    )
    return JSONResponse(
        signed,
        media_type=JSON_LD,
        headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.json"'},
    )


@router.get("/.well-known/did.json", name="certificates:did", dependencies=[PUBLIC])
def did_document(request: Request) -> Response:
    """The issuer's public keys (every one ever used, so rotated-out keys still verify)."""
    settings = _settings(request)
    did = credentials.did_web(public_base_url(request))
    return JSONResponse(
        credentials.did_document(did, keys.all_keys(settings.data_dir)),
        media_type="application/did+json",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/credentials/status/1", name="certificates:status_list")
def revocation_list(request: Request, session: SessionDep, user: MaybeUser) -> Response:
    """The signed Bitstring Status List: bit i set means the certificate with status index i is revoked."""
    settings = _settings(request)
    did, now = credentials.did_web(public_base_url(request)), utcnow()
    encoded = status_list.encode(service.revoked_indexes(session), service.status_list_size(session))
    signed = credentials.sign(
        status_list.credential(public_base_url(request), did, encoded, now),
        keys.current(settings.data_dir),
        did=did,
        created=now,
    )
    return JSONResponse(signed, media_type=JSON_LD, headers={"Cache-Control": "public, max-age=60"})


@router.post("/cohorts/{cohort_id:int}/certificates/request", name="certificates:request")
def request_certificates(
    request: Request, cohort: LedCohort, user: CurrentUser, session: SessionDep
) -> Response:
    """A lead trainer asks the admins to issue the cohort's certificates (admins issue them)."""
    eligible = issue_requests.request_issue(session, cohort, actor=user)
    done = ngettext(
        "Pedido enviado a la administración: %(num)d certificado listo para emitir.",
        "Pedido enviado a la administración: %(num)d certificados listos para emitir.",
        eligible,
    )
    return redirect(request, "cohorts:detail", cohort_id=cohort.id, flash=done % {"num": eligible})
