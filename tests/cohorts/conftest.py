"""Accounts several cohort test modules start from."""

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import Role, User
from tests.factories import make_user


@pytest.fixture
def instructor(session: Session, app: FastAPI) -> User:
    return make_user(session, app, role=Role.instructor)


@pytest.fixture
def officers(session: Session, app: FastAPI) -> list[User]:
    return [
        make_user(session, app, full_name=name) for name in ("Ana Benítez", "Óscar Ñamandú", "Rocío Giménez")
    ]
