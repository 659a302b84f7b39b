"""The certificate PDF: it opens, carries the name with its accents, a QR of the verification URL,
and hostile names come out as plain text (no markup, no fetching, no local files)."""

import dataclasses
import io
import unicodedata
from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from app.certificates import pdf
from app.certificates.details import Details

URL = "https://cascada.example.py/verify/Q2FzY2FkYS1jZXJ0aWZpY2FkbyBkZSBwcnVlYmEgMTIzNDU2"
GUARANI = "Ñandutí Güemes Pirajú g̃uãẽĩõũỹ"


def details(name: str = GUARANI, title: str = "Trata de personas: identificación y derivación") -> Details:
    moment = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
    return Details(
        serial="ISEPOL-2026-000123",
        public_id="Q2Fz",
        kind="course",
        holder_name=name,
        holder_id="1234567",
        course_slug="trata",
        course_title={"es": title, "en": "Trafficking"},
        hours=12,
        completed_at=moment,
        issued_at=moment,
        expires_at=None,
        cohort_name="Cohorte Itapúa",
        department="Itapúa",
        issuer="ISEPOL, Policía Nacional",
        verify_url=URL,
        status_index=7,
        signatories=[("Director/a", "ISEPOL")],
    )


def text_of(document: bytes) -> str:
    page = pypdfium2.PdfDocument(document)[0]
    text = page.get_textpage().get_text_range().replace("\r\n", " ").replace("\n", " ")
    return unicodedata.normalize("NFC", text)


def test_the_pdf_opens_as_one_a4_landscape_page_under_100_kb() -> None:
    document = pdf.render(details())

    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert len(document) < 100_000


def test_the_pdf_carries_the_name_with_spanish_and_guarani_characters() -> None:
    text = text_of(pdf.render(details()))

    assert unicodedata.normalize("NFC", GUARANI) in text
    for fact in ("ISEPOL-2026-000123", "12 horas", "14 de marzo de 2026", "Cohorte Itapúa", "1234567"):
        assert fact in text


def test_the_qr_code_decodes_to_the_verification_url() -> None:
    image = pypdfium2.PdfDocument(pdf.render(details()))[0].render(scale=2).to_pil()

    decoded = [result.text for result in zxingcpp.read_barcodes(image)]

    assert decoded == [URL]


@pytest.mark.parametrize(
    "name",
    [
        '<b>Juan</b> **Pérez** <img src="file:///etc/passwd"> {{ 7*7 }}',
        "<a href='https://evil.example/x'>clic</a> ![x](https://evil.example/p.png)",
    ],
)
def test_markup_in_a_name_is_printed_as_text_and_nothing_is_fetched_or_read(name: str) -> None:
    document = pdf.render(details(name=name))

    assert name in text_of(document)
    page = PdfReader(io.BytesIO(document)).pages[0]
    assert "/XObject" not in page["/Resources"]  # no image was embedded
    assert "/Annots" not in page  # no link was made
    assert b"/URI" not in document


def test_a_very_long_name_and_title_still_fit_on_one_page() -> None:
    long_name = "María de los Ángeles " * 10
    document = pdf.render(details(name=long_name.strip(), title="Curso " * 60))

    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    assert "María de los Ángeles María" in text_of(document)


def test_right_to_left_names_render_as_text() -> None:
    for name in ("מרים כהן", "مريم الحسن"):
        text = text_of(pdf.render(details(name=name)))
        letters = {c for c in name if not c.isspace()}
        assert letters <= set(text) or letters <= set(unicodedata.normalize("NFKC", text))


def test_characters_the_font_lacks_become_question_marks_not_errors() -> None:
    text = text_of(pdf.render(details(name="王小明 Juan\x00\x07")))

    assert "??? Juan" in text


def other(number: int, name: str) -> Details:
    """A second certificate: another holder, serial and verification URL."""
    return dataclasses.replace(
        details(name=name),
        serial=f"ISEPOL-2026-00099{number}",
        holder_id=f"765432{number}",
        verify_url=f"{URL[:-6]}OTRO{number:02d}",
    )


def test_certificates_made_one_after_another_each_carry_their_own_name_code_and_qr() -> None:
    """The parsed fonts and their subsets are shared between documents: nothing else may be."""
    first, second = other(1, "Zulma Quiñónez"), other(2, "Xavier Köhler Şahin")
    documents = [pdf.render(first), pdf.render(second), pdf.render(first)]

    for certificate, document in zip([first, second, first], documents, strict=True):
        text = text_of(document)
        for fact in (certificate.holder_name, certificate.serial, certificate.holder_id):
            assert fact in text
        image = pypdfium2.PdfDocument(document)[0].render(scale=2).to_pil()
        assert [result.text for result in zxingcpp.read_barcodes(image)] == [certificate.verify_url]
    assert "Xavier" not in text_of(documents[2]) and "Zulma" not in text_of(documents[1])
    assert documents[0] == documents[2]  # the same certificate, the same bytes


def test_a_certificate_is_the_same_bytes_whatever_was_made_before() -> None:
    alone = pdf.render(details())
    for number, name in enumerate(["Ŵalter Ŷbarra", "Ωmega Ǆ", "王小明", "Ana"]):
        pdf.render(other(number, name))

    assert pdf.render(details()) == alone
