"""The progress dashboard as a CSV file: the rows and numbers of the screen, safe to open in a spreadsheet.

Format: UTF-8 with a byte-order mark, fields separated by semicolons. Paraguay's Spanish
locale writes decimals with a comma (12,5), so spreadsheets there use ";" as the list
separator: Excel opens a double-clicked comma-separated file in a single column and reads it
without the BOM as Windows-1252 (accents garbled). Semicolons plus BOM open correctly in Excel,
LibreOffice and Google Sheets, and let the numbers keep the screen's decimal comma.

Formula injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab or a carriage
return gets a leading apostrophe, so a name such as =HYPERLINK(...) is shown as text, never run.
"""

import csv
import io
from datetime import date

from app import i18n
from app.cohorts.dashboard import (
    Dashboard,
    Row,
    day,
    due_day,
    grade_text,
    hours_heading,
    number,
    read_text,
    status_text,
    yes_no,
)
from app.courses import pages

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def header(dashboard: Dashboard) -> list[str]:
    language, _ = i18n.current_language(), i18n.gettext
    names = [_("Nombre"), _("Usuario"), _("Estado"), _("Avance"), hours_heading(dashboard)]
    names += [_("%(module)s: lecturas") % {"module": pages.text(m.title, language)}
              for m in dashboard.modules]
    for quiz in dashboard.quizzes:
        title = pages.text(quiz.title, language)
        names += [_("%(quiz)s: nota") % {"quiz": title}, _("%(quiz)s: aprobado") % {"quiz": title},
                  _("%(quiz)s: intentos") % {"quiz": title}]
    if dashboard.practicum:
        names.append(_("Práctica aprobada"))
    return names + [_("Fecha límite"), _("Completado el")]


def cells(dashboard: Dashboard, row: Row) -> list[str]:
    """One officer's line, each value written as the page writes it."""
    values = [row.name, row.username, status_text(row), str(row.percent), number(row.hours)]
    values += [read_text(done, len(m.item_ids)) for done, m in zip(row.read, dashboard.modules, strict=True)]
    for cell in row.quizzes:
        values += [grade_text(cell), yes_no(cell.passed), str(cell.attempts)]
    if dashboard.practicum:
        values.append(yes_no(row.practicum_passed))
    return values + [due_day(row.due_at), day(row.completed_at)]


def to_csv(dashboard: Dashboard) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in header(dashboard)])
    for row in dashboard.rows:
        writer.writerow([neutralise(c) for c in cells(dashboard, row)])
    return buffer.getvalue().encode("utf-8-sig")


def filename(dashboard: Dashboard, today: date) -> str:
    """ASCII only, from ids and the course slug (never the cohort's free-text name)."""
    return f"progreso-cohorte-{dashboard.cohort.id}-{dashboard.course.slug}-{today.isoformat()}.csv"
