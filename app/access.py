"""Who may do what: the one table of role permissions, and the rule every route declares.

A route without a rule makes `create_app` fail (deny by default); tests walk the routes too.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.models import Role, User
from app.errors import CsrfFailed, Forbidden, LoginRequired
from app.i18n import N_
from app.security import csrf_token_is_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Permission(StrEnum):
    use_account = "use_account"  # own home page, profile, password, language
    read_courses = "read_courses"
    view_facilitator_notes = "view_facilitator_notes"  # instructors and trainers teach in person
    manage_courses = "manage_courses"
    grade_responses = "grade_responses"  # the cohorts issue scopes this to the grader's cohorts
    manage_users = "manage_users"
    manage_institutions = "manage_institutions"
    view_audit = "view_audit"
    lead_cohorts = "lead_cohorts"  # officers gain it per course through an active trainer certification
    manage_cohorts = "manage_cohorts"  # every cohort: create for anyone, reassign the lead
    certify_trainers = "certify_trainers"  # revoke a trainer certification
    manage_certificates = "manage_certificates"  # issue and revoke certificates
    view_reports = "view_reports"  # the whole cascade, department reports
    read_evidence = "read_evidence"  # evidence reports; a commission member's are scoped to their department
    manage_headcounts = "manage_headcounts"  # police headcounts per department


_EVERYONE = {Permission.use_account, Permission.read_courses}
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.officer: frozenset(_EVERYONE),
    Role.instructor: frozenset(
        _EVERYONE | {Permission.view_facilitator_notes, Permission.grade_responses, Permission.lead_cohorts}
    ),
    Role.admin: frozenset(Permission),
    # Read-only, aggregate figures of one department (User.department): app/evidence/scope.py.
    Role.commission: frozenset({Permission.use_account, Permission.read_evidence}),
}


def can(user: User | None, permission: Permission) -> bool:
    return user is not None and permission in ROLE_PERMISSIONS[user.role]


class Rule:
    """A route's access rule as a dependency: checks CSRF on state changes, then the permission."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission  # None: public

    async def __call__(self, request: Request) -> User | None:
        user: User | None = request.scope["state"].get("user")
        if self.permission is not None and user is None:
            # Before CSRF: a page whose login expired should say so, not that its form is stale.
            raise LoginRequired(N_("Inicie sesión para continuar."))
        if request.method not in SAFE_METHODS:
            await _check_csrf(request)
        if self.permission is None:
            return user
        if not can(user, self.permission):
            raise Forbidden(N_("No tiene permiso para ver esta página."))
        return user

    def __repr__(self) -> str:
        return f"Rule({self.permission or 'public'})"


async def _check_csrf(request: Request) -> None:
    submitted = request.headers.get("X-CSRF-Token")
    if submitted is None:
        form = await request.form()
        value = form.get("csrf_token")
        submitted = value if isinstance(value, str) else None
    if not csrf_token_is_valid(request, submitted):
        raise CsrfFailed(
            N_("El formulario caducó o no es válido. Vuelva a cargar la página e intente de nuevo.")
        )


PUBLIC = Depends(Rule(None))
MaybeUser = Annotated[User | None, PUBLIC]
CurrentUser = Annotated[User, Depends(Rule(Permission.use_account))]
UserManager = Annotated[User, Depends(Rule(Permission.manage_users))]
InstitutionManager = Annotated[User, Depends(Rule(Permission.manage_institutions))]
AuditReader = Annotated[User, Depends(Rule(Permission.view_audit))]
CourseReader = Annotated[User, Depends(Rule(Permission.read_courses))]
Facilitator = Annotated[User, Depends(Rule(Permission.view_facilitator_notes))]
CourseManager = Annotated[User, Depends(Rule(Permission.manage_courses))]
Grader = Annotated[User, Depends(Rule(Permission.grade_responses))]
CohortAdmin = Annotated[User, Depends(Rule(Permission.manage_cohorts))]
TrainerCertifier = Annotated[User, Depends(Rule(Permission.certify_trainers))]
CertificateManager = Annotated[User, Depends(Rule(Permission.manage_certificates))]
ReportReader = Annotated[User, Depends(Rule(Permission.view_reports))]
EvidenceReader = Annotated[User, Depends(Rule(Permission.read_evidence))]
HeadcountManager = Annotated[User, Depends(Rule(Permission.manage_headcounts))]
