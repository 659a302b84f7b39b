"""The `mini` fixture course, published, and an officer enrolled in it."""

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from app.accounts.models import User
from app.courses import catalog
from app.learning import service as learning
from tests.factories import make_user
from tests.quizzes.flow import load_courses


@pytest.fixture
def mini(session: Session) -> catalog.Course:
    return load_courses(session)


@pytest.fixture
def officer(session: Session, app: FastAPI, mini: catalog.Course) -> User:
    user = make_user(session, app)
    learning.enroll(session, user, "mini")
    session.commit()
    return user
