"""The item-analysis page agrees with itself: figures when there are answers, and never "nobody finished"
next to a count of finishers; the demo's attempts carry real answers, so its quizzes show figures."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.cohorts.models import Cohort
from app.cohorts.progress import analysis
from app.demo import DEMO_PASSWORD
from app.quizzes.models import Answer, AttemptSlot, QuizAttempt
from tests.certificates.helpers import complete
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user
from tests.test_demo import seeded  # noqa: F401  (the seeded demo, a fixture)

NOBODY = "Todavía nadie terminó este cuestionario"


def test_attempts_without_per_question_answers_never_read_as_nobody_finished(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    instructor = make_user(session, app, role=Role.instructor)
    officer = make_user(session, app)
    cohort = make_cohort(session, instructor, members=[officer])
    complete(
        session, officer
    )  # finished attempts recorded without their questions (as imported data would be)
    log_in(client, instructor)

    page = client.get(f"/cohorts/{cohort.id}/analysis/mini/final").text

    assert "1 en esta cohorte" in page
    assert NOBODY not in page


def test_the_demo_quizzes_carry_answers_and_their_item_analysis_shows_figures(
    client: TestClient,
    session: Session,
    seeded: dict[str, tuple[object, ...]],  # noqa: F811 (the fixture imported above)
) -> None:
    # The demo's pre- and post-test results (app/evidence) are scores only; every quiz attempt has
    # its answers.
    attempts = session.exec(
        select(QuizAttempt.id).where(col(QuizAttempt.quiz_id).not_in(["pre-test", "post-test"]))
    ).all()
    with_slots = set(session.exec(select(AttemptSlot.attempt_id).distinct()).all())
    assert attempts and set(attempts) <= with_slots
    assert session.exec(select(Answer.id).where(col(Answer.fraction).is_(None))).first() is None
    instructora = session.exec(select(User).where(User.username == "instructora")).one()
    cohort = session.exec(
        select(Cohort).where(Cohort.lead_id == instructora.id).order_by(col(Cohort.id))
    ).first()
    assert cohort is not None
    entry = next(e for e in analysis.quizzes(session, cohort))
    log_in(client, instructora, DEMO_PASSWORD)

    page = client.get(f"/cohorts/{cohort.id}/analysis/{entry.course.slug}/{entry.item.id}").text

    assert NOBODY not in page
    facilities = re.findall(r'<td class="num">(\d+(?:[.,]\d+)?)</td>', page)
    assert facilities, "no figures in the question table"
