"""The pre-test and post-test of a course (`evaluation.yaml`) as quiz items, and their checks.

Both are quizzes of the course that no module lists, so they never count toward completion.
They share one blueprint (objectives, each with its bank questions and a count per form): the
pre-test draws `count` items per objective at random; the post-test draws the same counts,
preferring items the officer did not see in the pre-test (see `app/evidence/forms.py`).
"""

import random
from collections.abc import Collection
from typing import TYPE_CHECKING

from app.courses import drawing, schema

if TYPE_CHECKING:
    from app.courses.catalog import Course, Item
    from app.courses.files.sourcefiles import Reader

PRE_TEST, POST_TEST = "pre-test", "post-test"
FORM_IDS = (PRE_TEST, POST_TEST)
SCORABLE = (
    schema.SingleChoice,
    schema.MultipleResponse,
    schema.TrueFalse,
    schema.Matching,
    schema.ShortAnswer,
    schema.Numeric,
)  # marked at once: open responses would leave the score open
_NEVER = schema.ReviewWhen.never


def form_quiz(course: "Course", quiz_id: str) -> schema.Quiz | None:
    """The pre-test or post-test as a quiz: one attempt, the score shown after the post-test only."""
    evaluation = course.evaluation
    if evaluation is None or quiz_id not in FORM_IDS:
        return None
    form = evaluation.pre if quiz_id == PRE_TEST else evaluation.post
    # `draw` names the banks holding the blueprint's questions so grading can find them; the
    # attempt's questions themselves are chosen by the blueprint, not by these rules.
    banks = sorted(
        {
            bank
            for bank, questions in course.banks.items()
            if any(q.id in _blueprint_ids(evaluation) for q in questions)
        }
    )
    review = (
        schema.Review(score=_NEVER, feedback=_NEVER, correct_answers=_NEVER)
        if quiz_id == PRE_TEST
        else schema.Review(correct_answers=_NEVER)
    )
    return schema.Quiz(
        title=form.title,
        intro=form.intro,
        draw=[schema.Draw(bank=b) for b in banks] or [schema.Draw(bank="none")],
        attempts=1,
        time_limit_minutes=evaluation.time_limit_minutes,
        pass_mark=evaluation.mastery,
        shuffle_questions=True,
        review=review,
    )


def form_item(course: "Course", quiz_id: str) -> "Item | None":
    from app.courses.catalog import Item

    quiz = form_quiz(course, quiz_id)
    if quiz is None:
        return None
    return Item("quiz", quiz_id, "", None, False, quiz.title, {}, quiz)


def draw_form(
    course: "Course", quiz_id: str, seen: Collection[str], rng: random.Random
) -> list[drawing.Slot]:
    """One form of the blueprint: `count` items per objective, those not in `seen` first (parallel forms)."""
    quiz = form_quiz(course, quiz_id)
    assert quiz is not None and course.evaluation is not None
    questions = {q.id: q for bank in course.banks.values() for q in bank}
    chosen: list[schema.Question] = []
    for objective in course.evaluation.blueprint:
        pool = list(dict.fromkeys(objective.questions))
        fresh = [qid for qid in pool if qid not in seen]
        picked = rng.sample(fresh, min(objective.count, len(fresh)))
        stale = [qid for qid in pool if qid in seen]
        picked += rng.sample(stale, objective.count - len(picked))
        chosen += [questions[qid] for qid in picked]
    form = quiz.model_copy(update={"questions": chosen, "draw": []})
    return drawing.draw(form, {}, rng)


def _blueprint_ids(evaluation: schema.Evaluation) -> set[str]:
    return {qid for objective in evaluation.blueprint for qid in objective.questions}


def check(reader: "Reader", course: "Course") -> None:
    """The blueprint names scorable bank questions, once each, enough for a form; ids stay free."""
    if course.evaluation is None:
        return
    path = reader.folder / "evaluation.yaml"
    questions = {q.id: q for bank in course.banks.values() for q in bank}
    seen: set[str] = set()
    for i, objective in enumerate(course.evaluation.blueprint):
        for j, qid in enumerate(objective.questions):
            line = reader.line(path, ("blueprint", i, "questions", j))
            if qid not in questions:
                reader.problem(path, line, f"no question `{qid}` in this course's banks")
            elif not isinstance(questions[qid], SCORABLE):
                reader.problem(
                    path,
                    line,
                    f"question `{qid}` is an open response: a pre/post form needs questions marked at once",
                )
            elif qid in seen:
                reader.problem(path, line, f"question `{qid}` is listed twice in the blueprint")
            seen.add(qid)
        if objective.count > len(set(objective.questions)):
            reader.problem(
                path,
                reader.line(path, ("blueprint", i, "count")),
                f"objective `{objective.id}` draws {objective.count} items per form but lists "
                f"{len(set(objective.questions))}",
            )
    for item in course.items():
        if item.id in FORM_IDS:
            manifest = reader.folder / "course.yaml"
            reader.problem(manifest, 1, f"`{item.id}` is reserved for the course's evaluation.yaml forms")
