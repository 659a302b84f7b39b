"""Item analysis: Moodle's facility and discrimination indices, option counts, and which attempts count."""

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.cohorts.progress import analysis
from app.cohorts.progress.item_analysis import ItemResult, analyse, choices, first_attempts, pearson
from app.courses import schema
from app.courses import service as course_service
from app.quizzes.models import Answer, AttemptSlot, AttemptState, QuizAttempt
from app.timeutil import utcnow
from tests.factories import load_fixture_courses, log_in, make_cohort, make_user

# Four attempts at three one-point questions (1 = right, 0 = wrong):
#
#   attempt  q1 q2 q3  total T
#   A         1  1  1   3
#   B         1  1  0   2
#   C         1  0  0   1
#   D         0  0  1   1
#
# Facility F = 100 × mean(x):  q1 = 100 × 3/4 = 75;  q2 = 100 × 2/4 = 50;  q3 = 50.
#
# Discrimination D = 100 × r(x, X), X = T − x (the rest of the test):
# q1: x = (1,1,1,0), X = (2,1,0,1); means 0.75 and 1; deviations (.25,.25,.25,-.75) and (1,0,-1,0);
#     covariance sum = .25 − .25 = 0, so r = 0 and D = 0.
# q2: x = (1,1,0,0), X = (2,1,1,1); means 0.5 and 1.25; deviations (.5,.5,-.5,-.5) and (.75,-.25,-.25,-.25);
#     Σdxdy = .375 − .125 + .125 + .125 = 0.5; Σdx² = 1; Σdy² = .5625 + 3 × .0625 = 0.75;
#     r = 0.5 / √0.75 = 0.57735, D = 57.735.
# q3: x = (1,0,0,1), X = (2,2,1,0); means 0.5 and 1.25; deviations (.5,-.5,-.5,.5) and (.75,.75,-.25,-1.25);
#     Σdxdy = .375 − .375 + .125 − .625 = −0.5; Σdx² = 1; Σdy² = .5625 + .5625 + .0625 + 1.5625 = 2.75;
#     r = −0.5 / √2.75 = −0.30151, D = −30.151.
MARKS = {"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 0, 1)}


def hand_example() -> list[ItemResult]:
    return [
        ItemResult(attempt, f"q{i + 1}", 1.0, float(mark))
        for attempt, marks in enumerate(MARKS.values())
        for i, mark in enumerate(marks)
    ]


def test_facility_is_the_mean_score_as_a_percent_of_the_maximum() -> None:
    stats = analyse(hand_example())

    assert stats["q1"].facility == pytest.approx(75)
    assert stats["q2"].facility == pytest.approx(50)
    assert stats["q3"].facility == pytest.approx(50)
    assert stats["q1"].attempts == 4


def test_discrimination_correlates_the_item_with_the_rest_of_the_test() -> None:
    stats = analyse(hand_example())

    assert stats["q1"].discrimination == pytest.approx(0, abs=1e-9)
    assert stats["q2"].discrimination == pytest.approx(57.735, abs=1e-3)
    assert stats["q3"].discrimination == pytest.approx(-30.151, abs=1e-3)


def test_indices_do_not_depend_on_the_points_a_question_is_worth() -> None:
    doubled = [ItemResult(r.attempt_id, r.question_id, 2.0, r.fraction) for r in hand_example()]

    stats = analyse(doubled)

    assert stats["q2"].facility == pytest.approx(50)
    assert stats["q2"].discrimination == pytest.approx(57.735, abs=1e-3)


def test_partial_credit_counts_as_its_fraction() -> None:
    rows = [ItemResult(1, "q", 1.0, 0.5), ItemResult(2, "q", 1.0, 1.0)]

    assert analyse(rows)["q"].facility == pytest.approx(75)


def test_discrimination_is_undefined_with_one_attempt_or_no_variance() -> None:
    everyone_right = [ItemResult(a, "easy", 1.0, 1.0) for a in range(3)] + [
        ItemResult(a, "other", 1.0, float(a % 2)) for a in range(3)
    ]

    assert analyse([ItemResult(1, "q", 1.0, 1.0)])["q"].discrimination is None
    assert analyse(everyone_right)["easy"].discrimination is None
    assert analyse(everyone_right)["easy"].facility == 100
    assert pearson([1, 2], [3, 3]) is None


def test_a_drawn_question_is_analysed_over_the_attempts_that_had_it() -> None:
    rows = hand_example() + [ItemResult(0, "bank", 1.0, 1.0), ItemResult(3, "bank", 1.0, 0.0)]

    stats = analyse(rows)

    assert stats["bank"].attempts == 2
    assert stats["bank"].facility == 50


def test_the_first_attempt_of_each_officer_counts() -> None:
    assert first_attempts([(10, 1, 2), (11, 1, 1), (12, 2, 1), (13, 2, 3)]) == {11, 12}


def single() -> schema.SingleChoice:
    return schema.SingleChoice.model_validate(
        {
            "id": "s",
            "type": "single",
            "text": {"es": "¿?", "en": "?"},
            "options": [
                {"text": {"es": "A", "en": "A"}},
                {"text": {"es": "B", "en": "B"}, "correct": True},
                {"text": {"es": "C", "en": "C"}},
            ],
        }
    )


def test_option_counts_for_a_single_choice_question() -> None:
    found = choices(single(), [1, 1, 0, None, 7, True])

    assert found is not None
    assert [(o.label.es, o.correct, o.count) for o in found.options] == [
        ("A", False, 1),
        ("B", True, 2),
        ("C", False, 0),
    ]
    assert found.unanswered == 1


def test_option_counts_for_multiple_response_and_true_false() -> None:
    multiple = schema.MultipleResponse.model_validate(
        {
            "id": "m",
            "type": "multiple",
            "text": {"es": "¿?", "en": "?"},
            "options": [{"text": {"es": "A", "en": "A"}, "correct": True}, {"text": {"es": "B", "en": "B"}}],
        }
    )
    true_false = schema.TrueFalse.model_validate(
        {"id": "t", "type": "true_false", "answer": False, "text": {"es": "¿?", "en": "?"}}
    )

    chosen = choices(multiple, [[0, 1], [0], [], [0, 0]])
    judged = choices(true_false, [True, False, False, None])

    assert chosen is not None and judged is not None
    assert [o.count for o in chosen.options] == [3, 1] and chosen.unanswered == 1
    assert [(o.label.es, o.correct, o.count) for o in judged.options] == [
        ("Verdadero", False, 1),
        ("Falso", True, 2),
    ]


def test_other_question_types_have_no_option_counts() -> None:
    short = schema.ShortAnswer.model_validate(
        {"id": "x", "type": "short", "text": {"es": "¿?", "en": "?"}, "answers": ["sí"]}
    )

    assert choices(short, ["sí"]) is None


# --- from the database, for a cohort and for all cohorts -------------------------------------------

# `control-basico` (mini): 0 "elementos" single choice, option 0 right; 1 "cruce" true/false, answer
# false; 2 "oferta" short answer. Cohort A: a1 all right, a2 all wrong (then all right on a second
# attempt, which does not count). Cohort B: b1 right only on "elementos".
# Cohort A, elementos: x = (1, 0), X = (2, 0): r = 1, D = 100; F = 50.
# All cohorts, elementos: x = (1, 0, 1), X = (2, 0, 0); means 2/3 and 2/3; deviations (1/3, -2/3, 1/3)
# and (4/3, -2/3, -2/3); Σdxdy = 4/9 + 4/9 - 2/9 = 2/3; Σdx² = 6/9; Σdy² = 24/9;
# r = (2/3) / √(6/9 × 24/9) = (2/3) / (12/9) = 0.5, D = 50; F = 66.7.
ANSWERS = {"a1": (0, False, "redes sociales"), "a2": (1, True, "no sé"), "b1": (0, True, "")}
FRACTIONS = {"a1": (1, 1, 1), "a2": (0, 0, 0), "b1": (1, 0, 0)}


def take(
    session: Session, user: User, number: int, responses: tuple[object, ...], fractions: tuple[int, ...]
) -> None:
    version, _ = course_service.published(session, "mini")
    attempt = QuizAttempt(
        user_id=user.id or 0,
        course_slug="mini",
        quiz_id="control-basico",
        version_id=version.id or 0,
        number=number,
        max_attempts=2,
        state=AttemptState.finished,
        finished_at=utcnow(),
        percent=round(100 * sum(fractions) / 3, 2),
    )
    session.add(attempt)
    session.flush()
    for position, (qid, response, fraction) in enumerate(
        zip(("elementos", "cruce", "oferta"), responses, fractions, strict=True)
    ):
        session.add(
            AttemptSlot(
                attempt_id=attempt.id or 0,
                position=position,
                question_id=qid,
                option_order="[0, 1]" if qid == "elementos" else "[]",
            )
        )
        if response != "":
            session.add(
                Answer(
                    attempt_id=attempt.id or 0,
                    position=position,
                    response=json.dumps(response),
                    fraction=fraction,
                )
            )
    session.commit()


@pytest.fixture
def cohorts(session: Session, app: FastAPI) -> dict[str, object]:
    load_fixture_courses(session)
    lead_a = make_user(session, app, role=Role.instructor)
    lead_b = make_user(session, app, role=Role.instructor)
    people = {key: make_user(session, app, full_name=f"Persona {key}") for key in ANSWERS}
    cohort_a = make_cohort(session, lead_a, members=[people["a1"], people["a2"]])
    make_cohort(session, lead_b, members=[people["b1"]], name="Cohorte B secreta")
    for key, user in people.items():
        take(session, user, 1, ANSWERS[key], FRACTIONS[key])
    take(session, people["a2"], 2, (0, False, "redes sociales"), (1, 1, 1))
    return {"lead_a": lead_a, "cohort_a": cohort_a}


def test_cohort_figures_sit_next_to_all_cohorts(session: Session, cohorts: dict[str, object]) -> None:
    result = analysis.analyse(session, cohorts["cohort_a"], "mini", "control-basico")  # type: ignore[arg-type]

    lines = {line.question.id: line for line in result.questions}
    elementos = lines["elementos"]
    assert (result.cohort_attempts, result.all_attempts) == (2, 3)
    assert elementos.cohort is not None and elementos.everyone is not None
    assert elementos.cohort.facility == pytest.approx(50)
    assert elementos.cohort.discrimination == pytest.approx(100)
    assert elementos.everyone.facility == pytest.approx(66.667, abs=1e-3)
    assert elementos.everyone.discrimination == pytest.approx(50)
    assert elementos.cohort_choices is not None and elementos.everyone_choices is not None
    assert [o.count for o in elementos.cohort_choices.options] == [1, 1]
    assert [o.count for o in elementos.everyone_choices.options] == [2, 1]
    cruce = lines["cruce"].everyone_choices
    assert cruce is not None and [o.count for o in cruce.options] == [2, 1]
    oferta = lines["oferta"]
    assert oferta.everyone_choices is None and oferta.everyone is not None and oferta.everyone.attempts == 3
    assert sorted(result.cohort_grades) == [100, 100]  # highest grade: a2's second attempt counts here


def test_the_quiz_page_shows_figures_and_no_other_cohorts_names(
    client: TestClient, cohorts: dict[str, object]
) -> None:
    log_in(client, cohorts["lead_a"])  # type: ignore[arg-type]
    cohort = cohorts["cohort_a"]

    page = client.get(f"/cohorts/{cohort.id}/analysis/mini/control-basico")  # type: ignore[attr-defined]
    listing = client.get(f"/cohorts/{cohort.id}/analysis")  # type: ignore[attr-defined]

    assert page.status_code == 200 and listing.status_code == 200
    assert "66,7" in page.text and "(correcta)" in page.text
    assert "Persona b1" not in page.text and "Cohorte B secreta" not in page.text
    assert "/analysis/mini/control-basico" in listing.text


def test_an_unknown_quiz_is_not_found(client: TestClient, cohorts: dict[str, object]) -> None:
    log_in(client, cohorts["lead_a"])  # type: ignore[arg-type]
    cohort = cohorts["cohort_a"]

    assert client.get(f"/cohorts/{cohort.id}/analysis/mini/nope").status_code == 404  # type: ignore[attr-defined]
    assert client.get(f"/cohorts/{cohort.id}/analysis/mini/primera").status_code == 404  # type: ignore[attr-defined]
