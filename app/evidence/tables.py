"""The report as titled tables of text in the reader's language: the page, the CSV and the PDF all print
these."""

from collections.abc import Iterable
from dataclasses import dataclass

from app.accounts.departments import department_name
from app.evidence import charts
from app.evidence import numbers as n
from app.evidence.definitions import DEFINITIONS
from app.evidence.report import Line, Report, TrainerLine
from app.i18n import N_, gettext, ngettext

SEX_NAMES = {"female": N_("Mujeres"), "male": N_("Hombres"), "not_stated": N_("No declarado")}
GAIN_COLUMNS = (
    N_("Iniciaron"),
    N_("Pares"),
    N_("Abandono"),
    N_("Media inicial"),
    N_("Media final"),
    N_("Diferencia media (pp)"),
    N_("IC 95 %"),
    N_("Ganancia normalizada"),
    N_("d_z"),
    N_("Dominio"),
)


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


def tables(report: Report, lang: str) -> list[Table]:
    """Every table of the report, in order."""
    found = [
        _reach(report, lang),
        _trainers(report, lang),
        Table(
            "reach-generation",
            gettext("Alcance por generación"),
            (gettext("Generación"), gettext("Cohortes"), gettext("Oficiales")),
            [
                (str(r.key), n.count(r.cohorts, lang), n.count(r.officers, lang))
                for r in report.reach_by_generation
            ],
        ),
    ]
    if report.department is None:
        found.append(
            Table(
                "reach-department",
                gettext("Alcance por departamento"),
                (
                    gettext("Departamento"),
                    gettext("Cohortes"),
                    gettext("Oficiales"),
                    gettext("Alcance sobre la dotación"),
                ),
                [
                    (
                        department_name(str(r.key)) or str(r.key),
                        n.count(r.cohorts, lang),
                        n.count(r.officers, lang),
                        n.share(r.share, lang),
                    )
                    for r in report.reach_by_department
                ],
            )
        )
    found += [
        _gain(
            "gain", gettext("Aprendizaje: evaluación inicial y final"), [report.gain], lang, gettext("Total")
        ),
        _gain("gain-course", gettext("Aprendizaje por curso"), report.gain_by_course, lang),
        _gain("gain-generation", gettext("Aprendizaje por generación"), report.gain_by_generation, lang),
        _gain("gain-sex", gettext("Aprendizaje por sexo"), report.gain_by_sex, lang),
        _gain("gain-cohort", gettext("Aprendizaje por cohorte"), report.gain_by_cohort, lang),
    ]
    return found


def page(report: Report, lang: str) -> dict[str, object]:
    """What the report page shows besides the report: its tables and its two charts."""
    gains = [
        (_generation(line.key), line.gain.mean_pre or 0, line.gain.mean_post or 0)
        for line in report.gain_by_generation
        if line.shown
    ]
    reach = [(_generation(r.key), r.officers) for r in report.reach_by_generation]
    return {
        "definitions": [(gettext(term), gettext(meaning)) for term, meaning in DEFINITIONS],
        "tables": tables(report, lang),
        "cohorts": _cohorts(report),
        "gain_chart": charts.pre_post(
            gains,
            title=gettext("Media inicial y final por generación"),
            chart_id="gain-chart",
            desc="; ".join(f"{g}: {n.score(a, lang)} → {n.score(b, lang)}" for g, a, b in gains),
        )
        if gains
        else None,
        "reach_chart": charts.counts(
            reach,
            title=gettext("Oficiales alcanzados por generación"),
            chart_id="reach-chart",
            desc="; ".join(f"{g}: {n.count(c, lang)}" for g, c in reach),
        )
        if reach
        else None,
    }


def _cohorts(report: Report) -> list[tuple[int, str, str]]:
    """Each cohort's id, name and "generación 2 · 20 oficiales", the text made once per distinct pair
    (a country lists 1,000 cohorts)."""
    details: dict[tuple[int, int], str] = {}
    for _, _, generation, officers in report.cohort_list:
        if (generation, officers) not in details:
            details[(generation, officers)] = (
                gettext("generación %(n)s") % {"n": generation}
                + " · "
                + ngettext("%(num)s oficial", "%(num)s oficiales", officers) % {"num": officers}
            )
    return [
        (id, name, details[(generation, officers)]) for id, name, generation, officers in report.cohort_list
    ]


def _generation(number: object) -> str:
    return gettext("Gen. %(n)s") % {"n": number}


def _reach(report: Report, lang: str) -> Table:
    rows: list[tuple[str, ...]] = [
        (gettext("Cohortes contadas"), n.count(report.cohorts, lang)),
        (gettext("Oficiales alcanzados"), n.count(report.officers, lang)),
    ]
    rows += [("  " + gettext(SEX_NAMES[sex]), n.count(count, lang)) for sex, count in report.by_sex.items()]
    rows += [
        (gettext("Dotación policial"), n.count(report.headcount, lang)),
        (gettext("Alcance sobre la dotación"), n.share(report.share, lang)),
        (gettext("Horas presenciales"), n.decimal(report.in_person_hours, lang)),
        (gettext("Horas-oficial presenciales"), n.decimal(report.attended_hours, lang)),
        (gettext("Horas en línea"), n.decimal(report.online_hours, lang)),
        (gettext("Certificados emitidos"), n.count(report.certificates, lang)),
    ]
    return Table("reach", gettext("Alcance"), (gettext("Cifra"), gettext("Valor")), rows)


def _trainers(report: Report, lang: str) -> Table:
    def row(label: str, line: TrainerLine) -> tuple[str, ...]:
        return (
            label,
            n.count(line.certified, lang),
            n.count(line.active, lang),
            n.count(line.never_led, lang),
        )

    rows = [row(str(line.generation), line) for line in report.trainers_by_generation]
    rows.append(row(gettext("Total"), report.trainers))
    return Table(
        "trainers",
        gettext("Formadores"),
        (
            gettext("Generación"),
            gettext("Certificados"),
            gettext("Activos (6 meses)"),
            gettext("Nunca dirigieron"),
        ),
        rows,
    )


def _gain(table_id: str, title: str, lines: Iterable[Line], lang: str, label: str | None = None) -> Table:
    first = gettext("Grupo")
    return Table(
        table_id,
        title,
        (first, *(gettext(c) for c in GAIN_COLUMNS)),
        [_gain_row(label or _label(line, lang), line, lang) for line in lines],
    )


def _label(line: Line, lang: str) -> str:
    if line.key in SEX_NAMES:
        return gettext(SEX_NAMES[str(line.key)])
    return line.label.get(lang) if hasattr(line.label, "get") else str(line.label)


def _gain_row(label: str, line: Line, lang: str) -> tuple[str, ...]:
    g = line.gain
    counts = (label, n.count(g.started, lang), n.count(g.pairs, lang), n.share(g.attrition, lang))
    if not line.shown:
        return counts + (n.DASH,) * 7
    return counts + (
        n.score(g.mean_pre, lang),
        n.score(g.mean_post, lang),
        n.decimal(g.mean_difference, lang),
        n.interval(g.ci_low, g.ci_high, lang),
        n.decimal(g.normalised_gain, lang, 2),
        n.decimal(g.effect_size, lang, 2),
        n.share(g.mastery_share, lang),
    )
