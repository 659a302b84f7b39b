"""The report as CSV: UTF-8 with a BOM, semicolons, numbers as the page writes them (see
cohorts/progress/exports.py)."""

import csv
import io

from app.cascade.export import neutralise
from app.evidence import tables
from app.evidence.definitions import DEFINITIONS
from app.evidence.report import Report
from app.i18n import current_language, gettext


def to_csv(report: Report) -> bytes:
    """Each table under its title, then the definitions; formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for table in tables.tables(report, current_language()):
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(c) for c in table.columns])
        writer.writerows([[neutralise(cell.strip()) for cell in row] for row in table.rows])
        writer.writerow([])
    writer.writerow([gettext("Definiciones")])
    writer.writerows([[gettext(term), gettext(meaning)] for term, meaning in DEFINITIONS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
