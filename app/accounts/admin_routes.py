"""Administration of users and institutions (admins only), and the audit log."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import audit_view
from app.access import AuditReader, InstitutionManager, UserManager
from app.accounts import service
from app.accounts.models import Institution, Role, User
from app.db import SessionDep
from app.errors import NotFound
from app.i18n import N_, gettext
from app.inputs import DbIdForm, as_db_id
from app.paging import PageNumber
from app.web import redirect, render, translate

router = APIRouter(prefix="/admin")


@router.get("/", name="admin:index")
def index(request: Request, user: UserManager) -> Response:
    return render(request, "admin/index.html")


@router.get("/users", name="admin:users")
def users(
    request: Request,
    user: UserManager,
    session: SessionDep,
    page: PageNumber,
    q: str = "",
    role: str = "",
    institution_id: str = "",
    department: str = "",
    active: str = "",
) -> Response:
    # "" is the form's "all institutions" choice, so the id arrives as text.
    institution = as_db_id(institution_id)
    filters = service.UserFilter(q[:100], role, institution, department, active, page)
    context = {
        "page": service.list_users(session, filters),
        "filters": filters,
        "institutions": service.list_institutions(session),
        "roles": list(Role),
    }
    return render(request, "admin/users.html", context, block="results")


def _user_form(
    username: str,
    full_name: str,
    national_id: str,
    rank: str,
    institution_id: str,
    department: str,
    role: str,
    language: str,
) -> service.UserForm:
    return service.UserForm(
        username=username.strip().lower(),
        full_name=full_name,
        national_id=national_id.strip(),
        rank=rank,
        institution_id=as_db_id(institution_id),
        department=department,
        role=role,
        language=language,
    )


UserFields = Annotated[str, Form(max_length=200)]


def _form_context(session: SessionDep, **extra: object) -> dict[str, object]:
    return {
        "institutions": service.list_institutions(session, active_only=True),
        "roles": list(Role),
        **extra,
    }


@router.get("/users/new", name="admin:new_user")
def new_user(request: Request, user: UserManager, session: SessionDep) -> Response:
    return render(request, "admin/user_form.html", _form_context(session, form=None))


@router.post("/users/new", name="admin:create_user")
def create_user(
    request: Request,
    user: UserManager,
    session: SessionDep,
    username: UserFields = "",
    full_name: UserFields = "",
    national_id: UserFields = "",
    rank: UserFields = "",
    institution_id: UserFields = "",
    department: UserFields = "",
    role: UserFields = "officer",
    language: UserFields = "es",
) -> Response:
    form = _user_form(username, full_name, national_id, rank, institution_id, department, role, language)
    try:
        created, code = service.create_user(session, form, actor=user, code_lifetime=_code_lifetime(request))
    except service.InvalidUser as error:
        context = _form_context(session, form=form, error=translate(error), error_field=error.field)
        return render(request, "admin/user_form.html", context, status_code=422)
    return _code_page(request, created, code)


def _code_lifetime(request: Request) -> timedelta:
    return timedelta(hours=request.app.state.settings.activation_code_hours)


def _code_page(request: Request, target: User, code: str) -> Response:
    """The activation code, shown once: the admin hands it to the person, who chooses a password."""
    context = {
        "target": target,
        "code": code,
        "hours": request.app.state.settings.activation_code_hours,
        "activate_url": str(request.url_for("accounts:activate_form")),
    }
    return render(request, "admin/activation_code.html", context)


@router.post("/users/{user_id:int}/activation-code", name="admin:new_activation_code")
def new_activation_code(request: Request, user_id: int, user: UserManager, session: SessionDep) -> Response:
    target = service.get_user(session, user_id)
    code = service.new_activation_code(session, target, actor=user, code_lifetime=_code_lifetime(request))
    return _code_page(request, target, code)


@router.get("/users/{user_id:int}", name="admin:edit_user")
def edit_user(request: Request, user_id: int, user: UserManager, session: SessionDep) -> Response:
    target = service.get_user(session, user_id)
    return render(request, "admin/user_form.html", _form_context(session, form=target, target=target))


@router.post("/users/{user_id:int}", name="admin:update_user")
def update_user(
    request: Request,
    user_id: int,
    user: UserManager,
    session: SessionDep,
    username: UserFields = "",
    full_name: UserFields = "",
    national_id: UserFields = "",
    rank: UserFields = "",
    institution_id: UserFields = "",
    department: UserFields = "",
    role: UserFields = "officer",
    language: UserFields = "es",
) -> Response:
    target = service.get_user(session, user_id)
    form = _user_form(username, full_name, national_id, rank, institution_id, department, role, language)
    try:
        service.update_user(session, target, form, actor=user)
    except service.InvalidUser as error:
        context = _form_context(
            session, form=form, target=target, error=translate(error), error_field=error.field
        )
        return render(request, "admin/user_form.html", context, status_code=422)
    return redirect(request, "admin:edit_user", user_id=user_id, flash=gettext("Cambios guardados."))


@router.post("/users/{user_id:int}/active", name="admin:set_user_active")
def set_user_active(
    request: Request,
    user_id: int,
    user: UserManager,
    session: SessionDep,
    active: Annotated[bool, Form()] = False,
) -> Response:
    service.set_active(session, service.get_user(session, user_id), active, actor=user)
    done = gettext("Cuenta activada.") if active else gettext("Cuenta desactivada.")
    return redirect(request, "admin:edit_user", user_id=user_id, flash=done)


@router.get("/institutions", name="admin:institutions")
def institutions(request: Request, user: InstitutionManager, session: SessionDep) -> Response:
    return render(request, "admin/institutions.html", {"institutions": service.list_institutions(session)})


@router.post("/institutions", name="admin:save_institution")
def save_institution(
    request: Request,
    user: InstitutionManager,
    session: SessionDep,
    name: Annotated[str, Form(max_length=300)] = "",
    institution_id: DbIdForm = None,
) -> Response:
    existing = _institution(session, institution_id) if institution_id else None
    try:
        service.save_institution(session, name, actor=user, institution=existing)
    except service.InvalidUser as error:
        context = {
            "institutions": service.list_institutions(session),
            "error": translate(error),
            "name": name,
        }
        return render(request, "admin/institutions.html", context, status_code=422)
    return redirect(request, "admin:institutions", flash=gettext("Institución guardada."))


@router.post("/institutions/{institution_id:int}/active", name="admin:set_institution_active")
def set_institution_active(
    request: Request,
    institution_id: int,
    user: InstitutionManager,
    session: SessionDep,
    active: Annotated[bool, Form()] = False,
) -> Response:
    service.set_institution_active(session, _institution(session, institution_id), active, actor=user)
    return redirect(request, "admin:institutions", flash=gettext("Institución guardada."))


def _institution(session: SessionDep, institution_id: int) -> Institution:
    institution = session.get(Institution, institution_id)
    if institution is None:
        raise NotFound(N_("No encontramos esta página."))
    return institution


def _audit_filter(who: str, action: str, since: str, until: str, page: int) -> audit_view.AuditFilter:
    return audit_view.AuditFilter(
        who[:100], action[:64], audit_view.parse_day(since), audit_view.parse_day(until), page
    )


@router.get("/audit", name="admin:audit")
def audit_log(
    request: Request,
    user: AuditReader,
    session: SessionDep,
    page: PageNumber,
    who: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """Who did what to which object, newest first: filtered by who, what and when, one page at a time."""
    filters = _audit_filter(who, action, since, until, page)
    context = {
        "page": audit_view.page(session, filters),
        "filters": filters,
        "actions": audit_view.actions_seen(session),
    }
    return render(request, "admin/audit.html", context, block="results")


@router.get("/audit.csv", name="admin:audit_csv")
def audit_csv(
    request: Request,
    user: AuditReader,
    session: SessionDep,
    who: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    body = audit_view.export_csv(session, _audit_filter(who, action, since, until, 1))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="auditoria.csv"'},
    )
