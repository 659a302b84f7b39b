"""The dashboard as text: each row's `Line` is what both the page and the CSV export write.

CSV format: UTF-8 with a byte-order mark, fields separated by semicolons. Paraguay's Spanish
locale writes decimals with a comma (12,5), so spreadsheets there use ";" as the list
separator: Excel opens a double-clicked comma-separated file in a single column and, without
the BOM, reads it as Windows-1252 (accents garbled). Semicolons plus BOM open correctly in
Excel, LibreOffice and Google Sheets, and let the numbers keep the screen's decimal comma.

Formula injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab or a carriage
return gets a leading apostrophe, so a name such as =HYPERLINK(...) is shown as text, never run.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from app import i18n, spreadsheets
from app.cohorts.progress.dashboard import Dashboard, QuizCell, Row
from app.courses import pages
from app.formats import day, percent
from app.formats import decimal as number
from app.i18n import N_

STATUS_NAMES = {
    "complete": N_("Completo"),
    "overdue": N_("Vencido"),
    "in_progress": N_("En curso"),
    "not_started": N_("Sin comenzar"),
    "not_enrolled": N_("Sin inscripción"),
}


@dataclass(frozen=True)
class QuizText:
    grade: str  # "85,5" or "—"
    passed: str  # "Sí" / "No"
    attempts: str
    note: str  # the page's line under the grade: "aprobado · 2 intentos"
    shown: str  # the grade as the page shows it: "85,5 %" or "—"


@dataclass(frozen=True)
class Line:
    """One officer's row, every value written as the user's language writes it."""

    row: Row
    status: str
    percent: str
    hours: str
    reads: tuple[str, ...]
    quizzes: tuple[QuizText, ...]
    practicum: str
    due: str
    completed: str


def yes_no(flag: bool) -> str:
    return i18n.gettext("Sí") if flag else i18n.gettext("No")


def hours_heading(dashboard: Dashboard) -> str:
    if dashboard.hours_required:
        hours = number(dashboard.hours_required)
        return i18n.gettext("Horas de asistencia (requeridas: %(hours)s)") % {"hours": hours}
    return i18n.gettext("Horas de asistencia")


def _read(done: int, total: int) -> str:
    """Lessons read of those required ("3 de 4"; a bare 3/4 would become a date in a spreadsheet)."""
    return i18n.gettext("%(done)s de %(total)s") % {"done": done, "total": total} if total else "—"


def _quiz(cell: QuizCell) -> QuizText:
    notes = []
    if cell.attempts:
        notes.append(i18n.gettext("aprobado") if cell.passed else i18n.gettext("no aprobado"))
        attempts = i18n.ngettext("%(num)d intento", "%(num)d intentos", cell.attempts)
        notes.append(attempts % {"num": cell.attempts})
    if cell.pending:
        notes.append(i18n.gettext("por calificar"))
    grade = number(cell.grade) if cell.grade is not None else "—"
    shown = percent(cell.grade) if cell.grade is not None else "—"
    return QuizText(grade, yes_no(cell.passed), str(cell.attempts), " · ".join(notes), shown)


def line(dashboard: Dashboard, row: Row) -> Line:
    reads = tuple(_read(done, len(m.item_ids)) for done, m in zip(row.read, dashboard.modules, strict=True))
    return Line(
        row,
        i18n.gettext(STATUS_NAMES[row.status]),
        str(row.percent),
        number(row.hours),
        reads,
        tuple(_quiz(cell) for cell in row.quizzes),
        yes_no(row.practicum_passed),
        day(row.due_on),
        day(row.completed_at),
    )


def lines(dashboard: Dashboard) -> list[Line]:
    return [line(dashboard, row) for row in dashboard.rows]


def header(dashboard: Dashboard) -> list[str]:
    language, _ = i18n.current_language(), i18n.gettext
    names = [_("Nombre"), _("Usuario"), _("Estado"), _("Avance"), hours_heading(dashboard)]
    names += [
        _("%(module)s: lecturas") % {"module": pages.text(m.title, language)} for m in dashboard.modules
    ]
    for quiz in dashboard.quizzes:
        title = pages.text(quiz.title, language)
        names += [
            _("%(quiz)s: nota") % {"quiz": title},
            _("%(quiz)s: aprobado") % {"quiz": title},
            _("%(quiz)s: intentos") % {"quiz": title},
        ]
    if dashboard.practicum:
        names.append(_("Práctica aprobada"))
    return names + [_("Fecha límite"), _("Completado el")]


def cells(dashboard: Dashboard, shown: Line) -> list[str]:
    """One officer's CSV line: the values of the page's row, in its column order."""
    values = [shown.row.name, shown.row.username, shown.status, shown.percent, shown.hours, *shown.reads]
    for quiz in shown.quizzes:
        values += [quiz.grade, quiz.passed, quiz.attempts]
    if dashboard.practicum:
        values.append(shown.practicum)
    return values + [shown.due, shown.completed]


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return spreadsheets.neutralise(cell)


def to_csv(dashboard: Dashboard) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header(dashboard)])
    for shown in lines(dashboard):
        writer.writerow([neutralise(c) for c in cells(dashboard, shown)])
    return buffer.getvalue().encode("utf-8-sig")


def filename(dashboard: Dashboard, today: date) -> str:
    """ASCII only, from ids and the course slug (never the cohort's free-text name)."""
    return f"progreso-cohorte-{dashboard.cohort.id}-{dashboard.course.slug}-{today.isoformat()}.csv"
