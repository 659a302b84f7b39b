"""The demo data gives the report something real: pre/post pairs whose gain thins slightly by generation."""

from datetime import date

from fastapi import FastAPI
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.courses import service as course_service
from app.evidence import report
from app.evidence.figures import Period
from tests.test_demo import _seed, real_courses


def test_demo_report_shows_a_gain_that_thins_by_generation_and_a_commission_member(
    app: FastAPI, session: Session
) -> None:
    for course in real_courses():
        course_service.load(session, course)
    session.commit()
    accounts = _seed(app)
    session.rollback()

    found = report.build(session, None, Period(), date(2026, 12, 4))

    differences = [line.gain.mean_difference or 0 for line in found.gain_by_generation]
    assert len(differences) == 3 and all(line.shown for line in found.gain_by_generation)
    assert differences[0] > differences[1] > differences[2] > 15
    assert 0 < found.gain.gain.left < found.gain.gain.started
    assert report.build(session, "boqueron", Period(), date(2026, 12, 4)).share is not None
    assert found.by_sex["female"] > 0 and found.by_sex["male"] > 0 and found.by_sex["not_stated"] > 0
    member = session.exec(select(User).where(User.role == Role.commission)).one()
    assert member.department == "boqueron" and ("comision", "commission (boqueron)") in accounts
