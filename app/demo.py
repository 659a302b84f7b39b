"""The demo data set behind `cascada serve --demo`: accounts of each role, in several departments."""

from argon2 import PasswordHasher
from sqlmodel import Session, select

from app.accounts import service as accounts_service
from app.accounts.models import Institution, Role, User
from app.accounts.passwords import hash_password

DEMO_PASSWORD = "cascada-demo"
DEMO_USERS = (
    ("admin", "Admin Demo", Role.admin, "asuncion"),
    ("instructora", "María Benítez", Role.instructor, "central"),
    ("oficial", "Juan Ortiz", Role.officer, "boqueron"),
)


def seed(session: Session, hasher: PasswordHasher) -> list[tuple[str, str]]:
    """Create the demo accounts that are missing (idempotent) and return (username, role) pairs."""
    accounts_service.seed_institutions(session)
    session.flush()
    police = session.exec(select(Institution).where(Institution.name == "Policía Nacional")).first()
    password_hash = hash_password(hasher, DEMO_PASSWORD)
    for username, full_name, role, department in DEMO_USERS:
        if session.exec(select(User).where(User.username == username)).first() is None:
            session.add(User(username=username, full_name=full_name, role=role, department=department,
                             institution_id=police.id if police else None, password_hash=password_hash))
    return [(username, str(role)) for username, _, role, _ in DEMO_USERS]
