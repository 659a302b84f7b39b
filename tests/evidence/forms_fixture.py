"""A copy of the `mini` fixture course with a pre-test and post-test (evaluation.yaml)."""

from pathlib import Path

from tests.quizzes.flow import copy_mini

EVALUATION = """\
pre:
  title: {es: "Evaluación inicial", en: "Pre-test"}
post:
  title: {es: "Evaluación final", en: "Post-test"}
mastery: 70
blueprint:
  - id: delito
    title: {es: "Elementos del delito", en: "Elements of the offence"}
    count: 2
    questions: [elementos-de-la-trata, consentimiento, indicadores, sigla]
  - id: general
    title: {es: "General", en: "General"}
    count: 1
    questions: [edad-nino, formas]
"""


def mini_with_forms(tmp_path: Path, evaluation: str = EVALUATION, *, required_quizzes: bool = True) -> Path:
    """A courses root holding `mini` with the given evaluation.yaml."""
    root = copy_mini(tmp_path)
    (root / "mini" / "evaluation.yaml").write_text(evaluation, encoding="utf-8")
    if not required_quizzes:
        manifest = root / "mini" / "course.yaml"
        text = manifest.read_text(encoding="utf-8").replace(
            "hours: 1\n", "hours: 1\ncompletion: {required_lessons: true, required_quizzes: false}\n"
        )
        manifest.write_text(text, encoding="utf-8")
    return root
