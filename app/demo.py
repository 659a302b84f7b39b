"""The demo data set behind `cascada serve --demo`: accounts of each role, and a three-generation cascade."""

from functools import cache

from argon2 import PasswordHasher
from sqlmodel import Session, select

from app.accounts import service as accounts_service
from app.accounts.models import Institution, Role, User
from app.accounts.passwords import hash_password
from app.cascade import demo as cascade_demo
from app.evidence import demo as evidence_demo

DEMO_PASSWORD = "cascada-demo"
DEMO_USERS = (
    ("admin", "Admin Demo", Role.admin, "asuncion"),
    ("instructora", "María Benítez", Role.instructor, "central"),
    ("oficial", "Juan Ortiz", Role.officer, "boqueron"),
)


def seed(session: Session, hasher: PasswordHasher) -> list[tuple[str, str]]:
    """Create what is missing (idempotent) and return the accounts to print as (username, role) pairs.

    The cascade needs the real courses published; without them it waits for the next run. One
    password hash serves every demo account.
    """
    accounts_service.seed_institutions(session)
    session.flush()
    police = session.exec(select(Institution).where(Institution.name == "Policía Nacional")).first()
    police_id = police.id if police else None
    # Hashing costs a quarter of a second: only when someone is missing, and once.
    password_hash = cache(lambda: hash_password(hasher, DEMO_PASSWORD))
    cascade = cascade_demo.wanted(session)
    # The cascade's people come first, so the three accounts stay at the top of the newest-first user list.
    people = cascade_demo.add_people(session, password_hash(), police_id) if cascade else {}
    if cascade:
        evidence_demo.add_commission(session, password_hash(), police_id)
    accounts = {}
    for username, full_name, role, department in DEMO_USERS:
        found = session.exec(select(User).where(User.username == username)).first()
        if found is None:
            found = User(
                username=username,
                full_name=full_name,
                role=role,
                department=department,
                institution_id=police_id,
                password_hash=password_hash(),
            )
            session.add(found)
            session.flush()
        accounts[username] = found
    if cascade:
        cascade_demo.add_cohorts(session, people, accounts["instructora"], accounts["admin"], police_id)
        evidence_demo.add_evidence(session, accounts["admin"].id or 0)
    commission = [(evidence_demo.COMMISSION[0], f"{Role.commission} ({evidence_demo.COMMISSION[2]})")]
    return (
        [(username, str(role)) for username, _, role, _ in DEMO_USERS] + cascade_demo.accounts() + commission
    )
