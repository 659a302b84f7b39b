"""The cascade as table rows, shared by the department page and the CSV export, and the CSV itself."""

import csv
import io
from collections.abc import Iterable

from app import formats, spreadsheets
from app.accounts.departments import department_name
from app.cascade.tree import Node
from app.i18n import gettext


def percent(share: float | None) -> str:
    """A share as a whole percentage for a page ("67 %"), or a dash when there was nothing to measure."""
    return "—" if share is None else formats.percent(100 * share, digits=0)


def whole(share: float | None) -> int | str:
    """A share as a whole number of percent for a spreadsheet, or an empty cell."""
    return "" if share is None else round(100 * share)


def row(node: Node) -> list[str | int]:
    """One cohort: generation, cohort, department, lead, parent cohort, members, trainers produced,
    completion and pass rates (the CSV columns, in order)."""
    parent = node.parent.cohort.name if node.parent else ""
    return [
        node.generation,
        node.cohort.name,
        department_name(node.cohort.department),
        node.cohort.lead_name,
        parent,
        len(node.members),
        len(node.trainers),
        whole(node.completion_rate),
        whole(node.pass_rate),
    ]


def header() -> list[str]:
    return [
        gettext("Generación"),
        gettext("Cohorte"),
        gettext("Departamento"),
        gettext("Formador/a principal"),
        gettext("Cohorte de origen"),
        gettext("Oficiales"),
        gettext("Formadores formados"),
        gettext("Completitud (%)"),
        gettext("Aprobación (%)"),
    ]


def neutralise(cell: str | int) -> str | int:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a '."""
    return spreadsheets.neutralise(cell) if isinstance(cell, str) else cell


def to_csv(nodes: Iterable[Node]) -> str:
    """The cohorts as CSV, with a byte-order mark so spreadsheet programs read the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    for node in nodes:
        writer.writerow([neutralise(cell) for cell in row(node)])
    return "\ufeff" + buffer.getvalue()
