"""Managing users and institutions: the rules for who can exist in Cascada and how they change."""

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app import audit, names
from app.accounts import activation, auth
from app.accounts.departments import DEPARTMENTS, SEED_INSTITUTIONS
from app.accounts.identifiers import NATIONAL_ID, USERNAME
from app.accounts.models import Institution, Role, Sex, User
from app.accounts.passwords import check_policy, hash_password, verify_password
from app.errors import DomainError, FieldError, NotFound
from app.i18n import LANGUAGES, N_
from app.paging import Page, paginate

PAGE_SIZE = 25


class InvalidUser(FieldError):
    pass


@dataclass(frozen=True)
class UserForm:
    """What an admin enters for a user; validated by `validate_user_form`."""

    username: str
    full_name: str
    national_id: str = ""
    rank: str = ""
    institution_id: int | None = None
    department: str = ""
    role: str = Role.officer
    language: str = "es"


@dataclass(frozen=True)
class UserFilter:
    query: str = ""
    role: str = ""
    institution_id: int | None = None
    department: str = ""
    active: str = ""  # "", "yes", "no"
    page: int = 1


def validate_user_form(session: Session, form: UserForm, *, user_id: int | None = None) -> None:
    """Raise InvalidUser naming the first field that is wrong."""
    if not USERNAME.match(form.username):
        raise InvalidUser(
            "username",
            N_(
                "El usuario debe tener de 2 a 64 caracteres: letras minúsculas, "
                "números, punto, guion o guion bajo."
            ),
        )
    if not form.full_name.strip() or len(form.full_name) > 200:
        raise InvalidUser("full_name", N_("Escriba el nombre completo (hasta 200 caracteres)."))
    if form.national_id and not NATIONAL_ID.match(form.national_id):
        raise InvalidUser("national_id", N_("La cédula debe tener solo números (3 a 12 dígitos)."))
    if form.role not in Role.__members__:
        raise InvalidUser("role", N_("Elija un rol de la lista."))
    if form.department and form.department not in DEPARTMENTS:
        raise InvalidUser("department", N_("Elija un departamento de la lista."))
    if form.role == Role.commission and not form.department:
        raise InvalidUser("department", N_("Un miembro de comisión ve solo su departamento: elija cuál."))
    if form.language not in LANGUAGES:
        raise InvalidUser("language", N_("Elija un idioma de la lista."))
    if form.institution_id is not None and session.get(Institution, form.institution_id) is None:
        raise InvalidUser("institution_id", N_("Elija una institución de la lista."))
    _check_unique(session, form, user_id)


def _check_unique(session: Session, form: UserForm, user_id: int | None) -> None:
    clash = session.exec(select(User).where(User.username == form.username, User.id != user_id)).first()
    if clash:
        raise InvalidUser("username", N_("Ya existe un usuario con ese nombre de usuario."))
    if form.national_id:
        clash = session.exec(
            select(User).where(User.national_id == form.national_id, User.id != user_id)
        ).first()
        if clash:
            raise InvalidUser("national_id", N_("Ya existe un usuario con esa cédula."))


def _apply(user: User, form: UserForm) -> None:
    user.username = form.username
    user.full_name = form.full_name.strip()
    user.national_id = form.national_id or None
    user.rank = form.rank.strip()[:80]
    user.institution_id = form.institution_id
    user.department = form.department or None
    user.role = Role(form.role)
    user.language = form.language


def create_user(
    session: Session,
    form: UserForm,
    *,
    actor: User | None,
    code_lifetime: timedelta = activation.CODE_LIFETIME,
) -> tuple[User, str]:
    """A new active user without a password, and the one-time activation code with which they choose it."""
    validate_user_form(session, form)
    user = User(username=form.username, full_name=form.full_name, password_hash="")
    _apply(user, form)
    session.add(user)
    audit.record(
        session, actor.id if actor else None, "user.create", user, username=user.username, role=user.role
    )
    return user, activation.issue_new(session, [user], actor=actor, lifetime=code_lifetime)[0]


def new_activation_code(session: Session, user: User, *, actor: User, code_lifetime: timedelta) -> str:
    """A fresh code (the old one stops working); spending it sets a new password, so it also resets one."""
    code = activation.issue(session, user, actor=actor, lifetime=code_lifetime)
    audit.record(session, actor.id, "user.activation_code", user)
    return code


def update_user(session: Session, user: User, form: UserForm, *, actor: User) -> User:
    validate_user_form(session, form, user_id=user.id)
    before = {"role": user.role, "username": user.username}
    _apply(user, form)
    session.add(user)
    audit.record(session, actor.id, "user.update", user, before=before, role=user.role)
    return user


def set_active(session: Session, user: User, active: bool, *, actor: User) -> None:
    """Deactivating ends every session of the user at once; nothing else about them is deleted."""
    if user.id == actor.id and not active:
        raise DomainError(N_("No puede desactivar su propia cuenta."))
    user.active = active
    session.add(user)
    if not active:
        auth.end_all_sessions(session, user.id or 0)
    audit.record(session, actor.id, "user.activate" if active else "user.deactivate", user)


def change_password(session: Session, hasher: PasswordHasher, user: User, current: str, new: str) -> str:
    """Replace the password, end every session of the user, and return a fresh session token."""
    if not verify_password(hasher, user.password_hash, current):
        raise InvalidUser("current_password", N_("La contraseña actual no es correcta."))
    try:
        check_policy(new, username=user.username)
    except DomainError as error:
        raise InvalidUser("new_password", error.message, **error.params) from error
    user.password_hash = hash_password(hasher, new)
    session.add(user)
    auth.end_all_sessions(session, user.id or 0)
    return auth.start_session(session, user)


def set_sex(session: Session, user: User, value: str) -> None:
    """The user's own statement of their sex; an empty value means not stated."""
    if value and value not in Sex.__members__:
        raise InvalidUser("sex", N_("Elija una opción de la lista."))
    user.sex = Sex(value) if value else None
    session.add(user)


def set_language(session: Session, user: User, language: str) -> None:
    if language in LANGUAGES:
        user.language = language
        session.add(user)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No encontramos esta página."))
    return user


def list_users(session: Session, filters: UserFilter) -> Page[User]:
    """Users matching the filters, newest first, one page at a time."""
    query = select(User)
    if filters.query:
        like = names.like_pattern(filters.query)  # accent- and case-insensitive on the name
        query = query.where(
            or_(
                *(
                    col(column).like(like, escape="\\")
                    for column in (User.name_key, User.username, User.national_id)
                )
            )
        )
    if filters.role in Role.__members__:
        query = query.where(User.role == filters.role)
    if filters.institution_id:
        query = query.where(User.institution_id == filters.institution_id)
    if filters.department in DEPARTMENTS:
        query = query.where(User.department == filters.department)
    if filters.active in ("yes", "no"):
        query = query.where(User.active == (filters.active == "yes"))
    return paginate(session, query.order_by(col(User.id).desc()), filters.page, PAGE_SIZE)


def list_institutions(session: Session, *, active_only: bool = False) -> list[Institution]:
    query = select(Institution).order_by(Institution.name)
    if active_only:
        query = query.where(Institution.active == True)  # noqa: E712
    return list(session.exec(query))


def save_institution(
    session: Session, name: str, *, actor: User, institution: Institution | None = None
) -> Institution:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 200:
        raise InvalidUser("name", N_("El nombre de la institución debe tener de 2 a 200 caracteres."))
    clash = session.exec(select(Institution).where(func.lower(Institution.name) == name.lower())).first()
    if clash and clash is not institution:
        raise InvalidUser("name", N_("Ya existe una institución con ese nombre."))
    institution = institution or Institution(name=name)
    institution.name = name
    session.add(institution)
    audit.record(session, actor.id, "institution.save", institution, name=name)
    return institution


def set_institution_active(session: Session, institution: Institution, active: bool, *, actor: User) -> None:
    institution.active = active
    session.add(institution)
    audit.record(
        session, actor.id, "institution.activate" if active else "institution.deactivate", institution
    )


def seed_institutions(session: Session) -> None:
    """Create the standard institutions that are missing; safe to run at every start."""
    existing = {i.name for i in session.exec(select(Institution))}
    for name in SEED_INSTITUTIONS:
        if name not in existing:
            session.add(Institution(name=name))
