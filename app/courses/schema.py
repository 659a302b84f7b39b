"""The course file format as pydantic models: what `courses/<slug>/` may contain.

Every model forbids unknown keys, so a typo in a course file is an error with a line number
(the catalog maps pydantic error locations back to YAML lines).
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A string in each course language; Spanish is the original, English the complete twin."""

    es: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.es


class CourseKind(StrEnum):
    course = "course"
    training_of_trainers = "training_of_trainers"


class ReviewWhen(StrEnum):
    after_attempt = "after_attempt"  # as soon as the attempt is finished
    after_last_attempt = "after_last_attempt"  # once passed or no attempts are left
    never = "never"


class GradingMethod(StrEnum):
    highest = "highest"
    last = "last"
    average = "average"


# --- questions ---------------------------------------------------------------------------


class Option(Model):
    """A choice in a single-choice or multiple-response question."""

    text: Text
    correct: bool = False
    # Percent of the question's points; defaults: single 100/0, multiple +100/k and -100/k.
    weight: Annotated[float, Field(ge=-100, le=100)] | None = None
    feedback: Text | None = None


class Pair(Model):
    left: Text
    right: Text


class AcceptedAnswer(Model):
    """A short answer that earns `weight` percent; compared trimmed, ignoring case and accents."""

    text: Annotated[str, Field(min_length=1)]
    weight: Annotated[float, Field(gt=0, le=100)] = 100
    feedback: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str | int | float) else data


class NumericAnswer(Model):
    """A number accepted within +/- tolerance, earning `weight` percent."""

    value: float
    tolerance: Annotated[float, Field(ge=0)] = 0
    weight: Annotated[float, Field(gt=0, le=100)] = 100
    feedback: Text | None = None


class QuestionBase(Model):
    id: Slug
    text: Text
    points: Annotated[float, Field(gt=0)] = 1
    category: Slug | None = None
    case: Slug | None = None  # id of a case study of the same course
    feedback: Text | None = None  # general feedback, shown after the attempt per review settings


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[Option], Field(min_length=2)]

    @model_validator(mode="after")
    def _one_correct(self) -> "SingleChoice":
        if sum(o.correct or (o.weight or 0) >= 100 for o in self.options) != 1:
            raise ValueError("a single-choice question needs exactly one correct option")
        return self


class MultipleResponse(QuestionBase):
    type: Literal["multiple"]
    options: Annotated[list[Option], Field(min_length=2)]

    @model_validator(mode="after")
    def _some_correct(self) -> "MultipleResponse":
        if not any(o.correct or (o.weight or 0) > 0 for o in self.options):
            raise ValueError("a multiple-response question needs at least one correct option")
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text | None = None  # shown to whoever answered "true"
    feedback_false: Text | None = None


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2)]


class ShortAnswer(QuestionBase):
    type: Literal["short"]
    answers: Annotated[list[AcceptedAnswer], Field(min_length=1)]


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answers: Annotated[list[NumericAnswer], Field(min_length=1)]


class OpenResponse(QuestionBase):
    type: Literal["open"]
    guidance: Text | None = None  # for the instructor who grades it; never shown to officers


Question = Annotated[
    SingleChoice | MultipleResponse | TrueFalse | Matching | ShortAnswer | Numeric | OpenResponse,
    Field(discriminator="type"),
]


class Bank(Model):
    """A YAML question bank: `banks/<id>.yaml`."""

    title: Text | None = None
    questions: Annotated[list[Question], Field(min_length=1)]


# --- quizzes -----------------------------------------------------------------------------


class Draw(Model):
    """Take `count` questions at random (all when omitted) from a bank, optionally one category."""

    bank: Slug
    category: Slug | None = None
    count: Annotated[int, Field(ge=1)] | None = None


class Review(Model):
    score: ReviewWhen = ReviewWhen.after_attempt
    feedback: ReviewWhen = ReviewWhen.after_attempt
    correct_answers: ReviewWhen = ReviewWhen.after_last_attempt


class Quiz(Model):
    """A quiz file: `<module>/<quiz-id>.quiz.yaml`."""

    title: Text
    intro: Text | None = None
    questions: list[Question] = []  # questions of this quiz only, always all included
    draw: list[Draw] = []
    shuffle_questions: bool = False
    shuffle_options: bool = True
    attempts: Annotated[int, Field(ge=0)] = 0  # 0: unlimited
    time_limit_minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    pass_mark: Annotated[float, Field(ge=0, le=100)] = 70  # percent
    grading: GradingMethod = GradingMethod.highest
    review: Review = Review()

    @model_validator(mode="after")
    def _has_questions(self) -> "Quiz":
        if not self.questions and not self.draw:
            raise ValueError("a quiz needs `questions` or `draw`")
        return self


# --- course manifest ---------------------------------------------------------------------


class ModuleItem(Model):
    """One step of a module, written `- lesson: <id>`, `- case: <id>` or `- quiz: <id>`."""

    kind: Literal["lesson", "case", "quiz"]
    id: Slug
    minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    required: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_keyed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" not in data:
            keys = [k for k in ("lesson", "case", "quiz") if k in data]
            if len(keys) != 1:
                raise ValueError("an item needs exactly one of `lesson`, `case` or `quiz`")
            data = dict(data)
            data["kind"], data["id"] = keys[0], data.pop(keys[0])
        return data


class Module(Model):
    id: Slug
    title: Text
    summary: Text | None = None
    items: Annotated[list[ModuleItem], Field(min_length=1)]


class Completion(Model):
    """What completing the course requires; the cohorts issue adds attendance and practicum."""

    required_lessons: bool = True  # every lesson and case marked `required`
    required_quizzes: bool = True  # every quiz marked `required` passed
    attendance_hours: Annotated[float, Field(ge=0)] = 0
    practicum: bool = False


class RubricLevel(Model):
    score: Annotated[int, Field(ge=0)]
    label: Text
    descriptor: Text


class Criterion(Model):
    id: Slug
    title: Text
    levels: Annotated[list[RubricLevel], Field(min_length=2)]


class Practicum(Model):
    """The teach-back a trainee delivers, scored against the rubric."""

    title: Text
    instructions: Text
    min_score: Annotated[int, Field(ge=0)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> "Practicum":
        if self.min_score > sum(max(level.score for level in c.levels) for c in self.criteria):
            raise ValueError("min_score is higher than the rubric's maximum")
        return self


class Course(Model):
    """The manifest `courses/<slug>/course.yaml`."""

    title: Text
    summary: Text
    audience: Text
    hours: Annotated[float, Field(gt=0, le=200)]
    languages: list[Literal["es", "en"]] = ["es", "en"]
    kind: CourseKind = CourseKind.course
    self_enrol: bool = True
    validity_months: Annotated[int, Field(ge=1)] | None = None
    completion: Completion = Completion()
    practicum: Practicum | None = None
    modules: Annotated[list[Module], Field(min_length=1)]


class GlossaryTerm(Model):
    id: Slug
    term: Text
    definition: Text
    source: str | None = None  # a source id from sources.yaml


class Glossary(Model):
    """`glossary.yaml`: terms that lessons link as `[text](glossary:<id>)`."""

    terms: list[GlossaryTerm]


class Source(Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]+$")]
    title: str
    url: str | None = None


class Sources(Model):
    """`sources.yaml`: references that lessons cite as `[L1 Art. 5](source:L1)`."""

    sources: list[Source]


# --- pre-test and post-test ----------------------------------------------------------------


class Objective(Model):
    """One row of the blueprint: `count` items per form, drawn from the bank questions listed."""

    id: Slug
    title: Text
    count: Annotated[int, Field(ge=1)] = 1
    questions: Annotated[list[Slug], Field(min_length=1)]  # ids of questions in the course's banks


class Form(Model):
    title: Text
    intro: Text | None = None


class Evaluation(Model):
    """`evaluation.yaml`: a pre-test and a post-test, parallel forms of one blueprint.

    The pre-test is taken at enrolment, before the first lesson, without feedback, and its grade
    never counts; the post-test draws the same number of items per objective, avoiding the items
    the officer saw in the pre-test wherever the objective has enough of them.
    """

    pre: Form
    post: Form
    mastery: Annotated[float, Field(ge=0, le=100)] = 80  # percent on the post-test
    time_limit_minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    blueprint: Annotated[list[Objective], Field(min_length=1)]
