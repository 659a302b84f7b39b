"""The certificate as a PDF: data in, bytes out (A4 landscape, Spanish, DejaVu Sans embedded as a subset).

Names and titles are written as plain text cells (fpdf2 with markdown off, no HTML): nothing in
them is interpreted, fetched or read from disk. Characters the font lacks become '?'.
"""

import unicodedata
from datetime import datetime
from functools import cache
from pathlib import Path

import segno
from babel.dates import format_date
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from app.certificates import pdf_fonts
from app.certificates.details import Details
from app.timeutil import local

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans-subset.ttf", FONTS / "DejaVuSans-Bold-subset.ttf"
WIDTH, HEIGHT, MARGIN = 297.0, 210.0, 18.0
INK, ACCENT, MUTED, REVOKED = (20, 33, 61), (0, 82, 147), (90, 90, 90), (190, 20, 20)
QR_SIZE = 34.0


@cache
def _known_codepoints() -> frozenset[int]:
    return frozenset(TTFont(REGULAR, lazy=True).getBestCmap())


def clean(text: str) -> str:
    """Composed (NFC), without control characters, '?' for what the font cannot draw."""
    known = _known_codepoints()
    text = unicodedata.normalize("NFC", text)
    return "".join(
        c if ord(c) in known else "?"
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cf") or c in "\u200e\u200f"
    )


def spanish_date(moment: datetime) -> str:
    return format_date(local(moment).date(), format="long", locale="es")


def render(details: Details) -> bytes:
    """The certificate PDF."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(clean(f"Certificado {details.serial}"))
    pdf.set_author(clean(details.issuer))
    pdf.set_creator("Cascada")
    pdf.set_creation_date(details.issued_at)
    pdf_fonts.add_font(pdf, "", REGULAR)
    pdf_fonts.add_font(pdf, "B", BOLD)
    pdf.set_text_shaping(True)  # HarfBuzz: places g + combining tilde (g̃) and orders right-to-left text
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    _frame(pdf)
    _body(pdf, details)
    _signatures(pdf, details.signatories)
    _verification(pdf, details)
    if details.revoked_at is not None:
        _revoked_stamp(pdf, details.revoked_at)
    return bytes(pdf.output(output_producer_class=pdf_fonts.CachedFontsProducer))


def _revoked_stamp(pdf: FPDF, revoked_at: datetime) -> None:
    """Across the page, so no printout of a revoked certificate can pass for a valid one."""
    pdf.set_text_color(*REVOKED)
    pdf.set_draw_color(*REVOKED)
    with pdf.rotation(18, x=WIDTH / 2, y=HEIGHT / 2):
        pdf.set_line_width(1.5)
        pdf.rect(WIDTH / 2 - 85, HEIGHT / 2 - 18, 170, 34)
        pdf.set_xy(WIDTH / 2 - 105, HEIGHT / 2 - 16)
        pdf.set_font("DejaVu", "B", 40)
        pdf.cell(210, 18, "REVOCADO", align=Align.C, markdown=False, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "B", 14)
        pdf.cell(210, 10, clean(f"REVOCADO el {spanish_date(revoked_at)}"), align=Align.C, markdown=False)


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, WIDTH - 22, HEIGHT - 22)


def _line(
    pdf: FPDF,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: tuple[int, int, int] = INK,
    gap: float = 2.0,
    max_lines: int = 1,
) -> None:
    """A centred line of plain text, shrunk (down to 9 pt) so that it fits in `max_lines` lines."""
    text = clean(text)
    pdf.set_font("DejaVu", "B" if bold else "", size)
    room = (WIDTH - 2 * MARGIN) * max_lines * 0.92
    width = pdf.get_string_width(text)
    while size > 9 and width > room:
        size -= 1
        pdf.set_font_size(size)
        width = pdf.get_string_width(text)
    pdf.set_text_color(*color)
    # One line: a cell, which shapes the text once; multi_cell measures it letter by letter to break it.
    write = pdf.cell if width <= (WIDTH - 2 * MARGIN) * 0.92 else pdf.multi_cell
    write(0, size * 0.45, text, align=Align.C, markdown=False, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _body(pdf: FPDF, details: Details) -> None:
    trainer = details.kind == "trainer"
    pdf.set_y(22)
    _line(pdf, details.issuer, 12, bold=True, color=ACCENT, gap=5, max_lines=2)
    _line(pdf, "CERTIFICADO DE FORMADOR/A" if trainer else "CERTIFICADO", 28, bold=True, gap=5)
    _line(pdf, "Se certifica que", 13, color=MUTED)
    _line(pdf, details.holder_name, 26, bold=True, gap=1, max_lines=2)
    if details.holder_id:
        _line(pdf, f"C.I. N.º {details.holder_id}", 11, color=MUTED, gap=3)
    intro = "ha sido certificado/a como formador/a del curso" if trainer else "ha completado el curso"
    _line(pdf, intro, 13, color=MUTED)
    _line(pdf, details.title("es"), 18, bold=True, gap=3, max_lines=2)
    _line(
        pdf,
        f"con una carga horaria de {details.load_text}, finalizado el {spanish_date(details.completed_at)}.",
        12,
    )
    cohort = " · ".join(
        part
        for part in (
            f"Cohorte: {details.cohort_name}" if details.cohort_name else "",
            f"Departamento: {details.department}" if details.department else "",
        )
        if part
    )
    if cohort:
        _line(pdf, cohort, 11, color=MUTED, max_lines=2)


def _signatures(pdf: FPDF, signatories: list[tuple[str, str]]) -> None:
    if not signatories:
        return
    slot = (WIDTH - 2 * MARGIN - QR_SIZE - 20) / len(signatories)
    for number, (name, title) in enumerate(signatories):
        left = MARGIN + number * slot + 6
        pdf.set_draw_color(*INK)
        pdf.line(left, 172, left + slot - 12, 172)
        pdf.set_xy(left, 173.5)
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(*INK)
        pdf.cell(slot - 12, 5, clean(name), align=Align.C, markdown=False)
        if title:
            pdf.set_xy(left, 178.5)
            pdf.set_font("DejaVu", "", 9)
            pdf.cell(slot - 12, 5, clean(title), align=Align.C, markdown=False)


def _verification(pdf: FPDF, details: Details) -> None:
    left, top = WIDTH - MARGIN - QR_SIZE - 4, HEIGHT - MARGIN - QR_SIZE - 16
    draw_qr(pdf, details.verify_url, left, top, QR_SIZE)
    pdf.set_text_color(*INK)
    lines = [f"N.º {details.serial}", f"Emitido el {spanish_date(details.issued_at)}"]
    if details.expires_at:
        lines.append(f"Válido hasta el {spanish_date(details.expires_at)}")
    pdf.set_font("DejaVu", "B", 8)
    for number, text in enumerate(lines):
        pdf.set_xy(left - 30, top + QR_SIZE + 1 + number * 3.6)
        pdf.cell(QR_SIZE + 30, 3.6, clean(text), align=Align.R, markdown=False)
        pdf.set_font("DejaVu", "", 7)
    pdf.set_xy(MARGIN, HEIGHT - 15)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(
        WIDTH - 2 * MARGIN,
        3,
        clean(f"Verifique este certificado en {details.verify_url}"),
        align=Align.C,
        markdown=False,
    )


def draw_qr(pdf: FPDF, url: str, left: float, top: float, size: float) -> None:
    """The QR code of `url` as one filled path of rectangles (vector: sharp at any zoom, a few KB)."""
    matrix = segno.make_qr(url, error="m", boost_error=False).matrix
    border = 2
    module = size / (len(matrix) + 2 * border)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(left, top, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    k = pdf.k  # points per mm: the content stream is in points, from the bottom of the page
    runs = [
        f"{(left + (start + border) * module) * k:.2f} {(pdf.h - top - (row + border) * module) * k:.2f} "
        f"{length * module * k:.2f} {-module * k:.2f} re"
        for row, modules in enumerate(matrix)
        for start, length in _dark_runs(modules)
    ]
    # One fill for all modules instead of one `rect` each: ~365 fpdf2 calls and operators fewer.
    pdf._out("\n".join(runs) + "\nf")


def _dark_runs(modules: bytearray) -> list[tuple[int, int]]:
    """(first column, length) of each run of dark modules in a row of the QR matrix."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for column, dark in enumerate([*modules, 0]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column - start))
            start = None
    return runs
