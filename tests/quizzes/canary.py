"""A copy of the `mini` course whose secrets (feedback, accepted answers, guidance) are canary strings."""

from pathlib import Path

from tests.quizzes.flow import copy_mini

NUMBER = "918273"  # the numeric answers' values: a number no page shows by chance
SECRETS = [
    "CANARY-OPTION-FEEDBACK-RIGHT",
    "CANARY-OPTION-FEEDBACK-WRONG",
    "CANARY-GENERAL-FEEDBACK-1",
    "CANARY-TRUE-FEEDBACK",
    "CANARY-FALSE-FEEDBACK",
    "CANARY-GENERAL-FEEDBACK-2",
    "CANARYACCEPTEDES",
    "CANARYACCEPTEDEN",
    "CANARY-ANSWER-FEEDBACK",
    "CANARY-GENERAL-FEEDBACK-3",
    "CANARY-NUMERIC-FEEDBACK",
    "CANARY-BANK-FEEDBACK-1",
    "CANARY-FORMAS-RIGHT",
    "CANARY-FORMAS-WRONG",
    "CANARY-BANK-FEEDBACK-2",
    "CANARY-BANK-FEEDBACK-3",
    "CANARY-GUIDANCE",
    "CANARY-BANK-FEEDBACK-4",
    "CANARY-GIFT-1",
    "CANARY-GIFT-2",
    "CANARY-GIFT-3",
    "CANARY-GIFT-4",
    "CANARY-GIFT-5",
    "CANARY-GIFT-6",
    "CANARYSIGLAES",
    "CANARYSIGLAEN",
    "CANARYPUNTOSES",
    "CANARYPUNTOSEN",
    NUMBER,
    str(int(NUMBER) + 1),
]
GUIDANCE = "CANARY-GUIDANCE"
ACCEPTED = [
    "CANARYACCEPTEDES",
    "CANARYACCEPTEDEN",
    "CANARYSIGLAES",
    "CANARYSIGLAEN",
    "CANARYPUNTOSES",
    "CANARYPUNTOSEN",
    NUMBER,
    str(int(NUMBER) + 1),
]


def _t(value: str) -> str:
    return f'{{es: "{value}", en: "{value}"}}'


CONTROL = f"""title: {{es: "Control básico", en: "Basic check"}}
attempts: 2
pass_mark: 50
shuffle_options: false
questions:
  - id: elementos
    type: single
    text: {{es: "¿Cuántos elementos tiene la definición?", en: "How many elements does the definition have?"}}
    options:
      - {{text: {{es: "Tres", en: "Three"}}, correct: true, feedback: {_t("CANARY-OPTION-FEEDBACK-RIGHT")}}}
      - {{text: {{es: "Dos", en: "Two"}}, feedback: {_t("CANARY-OPTION-FEEDBACK-WRONG")}}}
    feedback: {_t("CANARY-GENERAL-FEEDBACK-1")}
  - id: cruce
    type: true_false
    answer: false
    text: {{es: "La trata exige cruzar una frontera.", en: "Trafficking requires crossing a border."}}
    feedback_true: {_t("CANARY-TRUE-FEEDBACK")}
    feedback_false: {_t("CANARY-FALSE-FEEDBACK")}
    feedback: {_t("CANARY-GENERAL-FEEDBACK-2")}
  - id: oferta
    type: short
    case: caso-itapua
    text: {{es: "¿Por qué medio llegó la oferta?", en: "How did the offer arrive?"}}
    answers: [{{text: "CANARYACCEPTEDES", feedback: {_t("CANARY-ANSWER-FEEDBACK")}}}, "CANARYACCEPTEDEN"]
    feedback: {_t("CANARY-GENERAL-FEEDBACK-3")}
"""

GENERAL = f"""questions:
  - id: edad-nino
    type: numeric
    text: {{es: "¿Hasta qué edad se es niño?", en: "Under what age is one a child?"}}
    answers: [{{value: {NUMBER}, feedback: {_t("CANARY-NUMERIC-FEEDBACK")}}}]
    feedback: {_t("CANARY-BANK-FEEDBACK-1")}
  - id: formas
    type: multiple
    text: {{es: "¿Qué formas de explotación incluye?", en: "Which forms of exploitation does it include?"}}
    options:
      - text: {{es: "Trabajo forzoso", en: "Forced labour"}}
        correct: true
        feedback: {_t("CANARY-FORMAS-RIGHT")}
      - {{text: {{es: "Explotación sexual", en: "Sexual exploitation"}}, correct: true}}
      - text: {{es: "Migración irregular", en: "Irregular migration"}}
        feedback: {_t("CANARY-FORMAS-WRONG")}
    feedback: {_t("CANARY-BANK-FEEDBACK-2")}
  - id: pares
    type: matching
    text: {{es: "Una cada término con su elemento.", en: "Match each term to its element."}}
    pairs:
      - {{left: {{es: "Acogida", en: "Harbouring"}}, right: {{es: "Acto", en: "Act"}}}}
      - {{left: {{es: "Engaño", en: "Deception"}}, right: {{es: "Medio", en: "Means"}}}}
      - {{left: {{es: "Trabajo forzoso", en: "Forced labour"}}, right: {{es: "Fin", en: "Purpose"}}}}
    feedback: {_t("CANARY-BANK-FEEDBACK-3")}
  - id: plan
    type: open
    text: {{es: "Describa su primer paso.", en: "Describe your first step."}}
    guidance: {_t(GUIDANCE)}
    feedback: {_t("CANARY-BANK-FEEDBACK-4")}
"""

GIFT = {
    "es": [
        ("#Faltan elementos.", "#CANARY-GIFT-1"),
        ("#Correcto: acción, medio y fin.", "#CANARY-GIFT-2"),
        ("####Acción, medio y fin de explotación.", "####CANARY-GIFT-3"),
        (
            "{F#El consentimiento no vale si hubo medios coercitivos.#Correcto.}",
            "{F#CANARY-GIFT-4#CANARY-GIFT-5}",
        ),
        ("{=OIT =%50%O.I.T.#Sin puntos es mejor.}", "{=CANARYSIGLAES =%50%CANARYPUNTOSES#CANARY-GIFT-6}"),
        ("{#7:0}", f"{{#{int(NUMBER) + 1}:0}}"),
    ],
    "en": [
        ("#Some elements are missing.", "#CANARY-GIFT-1"),
        ("#Right: act, means and purpose.", "#CANARY-GIFT-2"),
        ("####Act, means and purpose of exploitation.", "####CANARY-GIFT-3"),
        ("{F#Consent does not count if coercive means were used.#Right.}", "{F#CANARY-GIFT-4#CANARY-GIFT-5}"),
        ("{=ILO =%50%I.L.O.#Without dots is better.}", "{=CANARYSIGLAEN =%50%CANARYPUNTOSEN#CANARY-GIFT-6}"),
        ("{#7:0}", f"{{#{int(NUMBER) + 1}:0}}"),
    ],
}


def canary_course(tmp_path: Path) -> Path:
    """A courses root with the canary copy of `mini`."""
    root = copy_mini(tmp_path)
    course = root / "mini"
    (course / "basico" / "control-basico.quiz.yaml").write_text(CONTROL)
    (course / "banks" / "general.yaml").write_text(GENERAL)
    for lang, replacements in GIFT.items():
        path = course / "banks" / f"banco.{lang}.gift"
        text = path.read_text()
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path.write_text(text)
    return root
