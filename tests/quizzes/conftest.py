"""An officer enrolled in the published `mini` fixture course (the `mini` fixture is in tests/conftest.py)."""

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.learning import service as learning
from tests.factories import make_user


@pytest.fixture
def officer(session: Session, app: FastAPI, mini: catalog.Course) -> User:
    user = make_user(session, app)
    learning.enroll(session, user, "mini")
    session.commit()
    return user
