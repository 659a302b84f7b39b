"""The report as an A4 PDF (the certificates' fonts and text cleaning), the same bytes for the same figures.

The PDF is reproducible (fixed creation date and file id from the report itself) so that the
detached signature served at `<report>.pdf.sig` is a signature of exactly the bytes served at
`<report>.pdf`: a funder downloads both and runs `cascada verify REPORT.pdf`.
"""

import hashlib
import io
from datetime import UTC, datetime, time

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from app import formats
from app.accounts.departments import department_name
from app.certificates.pdf import BOLD, REGULAR, clean
from app.evidence import charts, tables
from app.evidence.definitions import DEFINITIONS
from app.evidence.report import Report
from app.i18n import current_language, gettext

INK, ACCENT, MUTED = (20, 33, 61), (0, 82, 147), (90, 90, 90)
MARGIN = 14.0
MAX_PDF_ROWS = 60


def filename(report: Report) -> str:
    scope = report.department or "paraguay"
    start = report.period.start.isoformat() if report.period.start else "inicio"
    end = (report.period.end or report.today).isoformat()
    return f"evidencia-{scope}-{start}-{end}.pdf"


def scope_name(report: Report) -> str:
    return department_name(report.department) if report.department else "Paraguay"


def render(report: Report) -> bytes:
    """The report's PDF: title and period, every table, the gain chart, and the definitions."""
    lang = current_language()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    title = clean(f"{gettext('Informe de evidencia')}: {scope_name(report)}")
    pdf.set_title(title)
    pdf.set_creator("Cascada")
    pdf.set_creation_date(datetime.combine(report.today, time(), tzinfo=UTC))
    pdf.file_id = lambda: _file_id(report)  # type: ignore[method-assign]
    pdf.add_font("DejaVu", "", REGULAR)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.add_page()
    _heading(pdf, title, 16)
    _text(pdf, _period_text(report), MUTED)
    for table in tables.tables(report, lang):
        if len(table.rows) > MAX_PDF_ROWS:  # a thousand cohorts would be 30 pages: the CSV has them
            _heading(pdf, table.title, 11)
            _text(
                pdf,
                gettext("%(n)s filas: el detalle está en la hoja de cálculo (CSV) del mismo informe.")
                % {"n": len(table.rows)},
                MUTED,
            )
            continue
        _table(pdf, table)
    _chart(pdf, report)
    _heading(pdf, gettext("Definiciones"), 12)
    for term, meaning in DEFINITIONS:
        _text(pdf, f"{gettext(term)}: {gettext(meaning)}", INK, size=8)
    return bytes(pdf.output())


def _file_id(report: Report) -> str:
    digest = hashlib.md5(repr(report).encode(), usedforsecurity=False).hexdigest().upper()
    return f"<{digest}><{digest}>"


def _period_text(report: Report) -> str:
    start = formats.day(report.period.start) if report.period.start else gettext("el inicio")
    end = formats.day(report.period.end or report.today)
    return gettext("Cohortes que comenzaron desde %(start)s hasta %(end)s.") % {"start": start, "end": end}


def _heading(pdf: FPDF, text: str, size: float) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, size * 0.5, clean(text), markdown=False, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _text(pdf: FPDF, text: str, color: tuple[int, int, int], size: float = 9) -> None:
    pdf.set_font("DejaVu", "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.45, clean(text), markdown=False, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _table(pdf: FPDF, table: tables.Table) -> None:
    if not table.rows:
        return
    _heading(pdf, table.title, 11)
    wide = len(table.columns) > 5
    pdf.set_font("DejaVu", "", 6.5 if wide else 8.5)
    pdf.set_text_color(*INK)
    first = 2.4 if wide else 3
    widths = (first, *([1] * (len(table.columns) - 1)))
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=pdf.font_size * 1.5,
        headings_style=FontFace(emphasis="BOLD", color=ACCENT),
        markdown=False,
    ) as grid:
        for row in (table.columns, *table.rows):
            cells = grid.row()
            for cell in row:
                cells.cell(clean(cell.strip()))
    pdf.ln(3)


def _chart(pdf: FPDF, report: Report) -> None:
    groups = [
        (gettext("Gen. %(n)s") % {"n": line.key}, line.gain.mean_pre or 0, line.gain.mean_post or 0)
        for line in report.gain_by_generation
        if line.shown
    ]
    if not groups:
        return
    _heading(pdf, gettext("Media inicial y final por generación"), 11)
    svg = charts.pre_post(
        groups, title=gettext("Media inicial y final por generación"), desc="", chart_id="pdf"
    )
    pdf.image(io.BytesIO(str(svg).encode()), w=120)
    pdf.ln(3)
