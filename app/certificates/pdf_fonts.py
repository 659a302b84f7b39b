"""The certificate PDF's fonts: parsed once per process, and the embedded subset made once per set of glyphs.

fpdf2 parses the whole TTF (2,300 glyphs) in every add_font and cuts it with fontTools in every
output(): most of a certificate's time. Here the parsed font is kept per process and each document
gets a copy with its own subset map; the document embeds a font cut to the glyphs of COMMON (ASCII,
Spanish and Guaraní letters) plus its own, which is made once and kept, so nearly every certificate
embeds the same font file whatever the holder's name, and no fontTools work is left per document.
This sets fpdf2's TTFFont fields and replaces OutputProducer._add_fonts for plain TrueType fonts
(fpdf2 2.8.x); tests/certificates/test_pdf.py pins the behaviour.
"""

import copy
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFExtGState,
    PDFFont,
    PDFFontStream,
    PDFType3Font,
    PDFXObject,
    _tt_font_widths,
)
from fpdf.pattern import Pattern
from fpdf.syntax import Name, PDFArray, PDFContentStream

COMMON = "".join(map(chr, range(0x20, 0x7F))) + "ÁÉÍÓÚÑÜáéíóúñüºª·¿¡ÃẼĨÕŨỸãẽĩõũỹ\u0303–—‘’“”…"


def add_font(pdf: FPDF, style: str, path: Path) -> None:
    """What `pdf.add_font("DejaVu", style, path)` does, without parsing the font again."""
    font = copy.copy(_parsed(path, style))
    font.i = len(pdf.fonts) + 1
    font.cw = font.cw.copy()  # fpdf2 adds characters the font lacks to it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    font.desc = copy.copy(font.desc)  # output() sets its object number and font file: one per document
    pdf.fonts[font.fontkey] = font


@cache
def _parsed(path: Path, style: str) -> TTFFont:
    scratch = FPDF()
    scratch.add_font("DejaVu", style, path)
    font = scratch.fonts[f"dejavu{style}"]
    assert isinstance(font, TTFFont)
    return font


@dataclass(frozen=True)
class _Embedded:
    data: bytes  # the TrueType file
    glyph_ids: dict[str, int]  # glyph name -> its index in that file


@lru_cache(maxsize=128)
def _embedded(path: Path, glyph_names: frozenset[str]) -> _Embedded:
    """The font cut down to `glyph_names`, as fpdf2 cuts it."""
    font = TTFont(path, recalcTimestamp=False, lazy=True)
    options = Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "MATH"]  # as fpdf2 does: no glyphs added by layout rules
    subsetter = Subsetter(options)
    subsetter.populate(glyphs=sorted(glyph_names))
    subsetter.subset(font)
    output = BytesIO()
    font.save(output)
    return _Embedded(output.getvalue(), {name: gid for gid, name in enumerate(font.getGlyphOrder())})


@cache
def _common_glyphs(path: Path) -> frozenset[str]:
    cmap = TTFont(path, lazy=True).getBestCmap()
    return frozenset(cmap[ord(c)] for c in COMMON if ord(c) in cmap)


class CachedFontsProducer(OutputProducer):
    """fpdf2's output, embedding each font from `_embedded` instead of cutting it again."""

    def _add_fonts(
        self,
        image_objects_per_index: dict[int, PDFXObject],
        gfxstate_objs_per_name: dict[str, PDFExtGState],
        pattern_objs_per_name: dict[str, Pattern],
    ) -> dict[int, PDFFont | PDFType3Font]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        if not all(isinstance(font, TTFFont) and not (font.color_font or font.is_cff) for font in fonts):
            return super()._add_fonts(image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name)
        return {font.i: self._add_font(font) for font in fonts if isinstance(font, TTFFont)}

    def _add_font(self, font: TTFFont) -> PDFFont:
        """The objects fpdf2 writes for a TrueType font (a Type0 font over a CIDFontType2), in its order."""
        glyph_names = _common_glyphs(font.ttffile).union(font.subset.get_all_glyph_names())
        embedded = _embedded(font.ttffile, glyph_names)  # the same for any Spanish or Guaraní text
        name = f"MPDFAA+{font.name}"
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2", base_font=name, d_w=font.desc.missing_width, w=_tt_font_widths(font)
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        composite.to_unicode = PDFContentStream(_to_unicode(font).encode("latin-1"))
        self._add_pdf_obj(composite.to_unicode, "fonts")
        cid_font.c_i_d_system_info = CIDSystemInfo()
        self._add_pdf_obj(cid_font.c_i_d_system_info, "fonts")
        descriptor = cid_font.font_descriptor = font.desc
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.c_i_d_to_g_i_d_map = PDFContentStream(_cid_to_gid(font, embedded.glyph_ids), compress=True)
        self._add_pdf_obj(cid_font.c_i_d_to_g_i_d_map, "fonts")
        font_file = PDFFontStream(contents=embedded.data)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]  # as fpdf2 sets it
        return composite


def _cid_to_gid(font: TTFFont, glyph_ids: dict[str, int]) -> bytes:
    """Each character code's glyph index in the embedded font, two bytes per code from 0 to 0xFFFF."""
    table = bytearray(2 * 0x10000)
    for glyph, code in font.subset.items():
        if glyph is not None:
            table[2 * code : 2 * code + 2] = glyph_ids[glyph.glyph_name].to_bytes(2, "big")
    return bytes(table)


def _to_unicode(font: TTFFont) -> str:
    """The CMap from character codes to text, so that the PDF's text can be searched and copied."""
    entries = [
        f"<{code:04X}> <{''.join(_utf16_hex(c) for c in glyph.unicode)}>\n"
        for glyph, code in font.subset.items()
        if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
    ]
    blocks = "".join(
        f"{len(chunk)} beginbfchar\n{''.join(chunk)}endbfchar\n"
        for chunk in (entries[start : start + 100] for start in range(0, len(entries), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


def _utf16_hex(codepoint: int) -> str:
    if codepoint <= 0xFFFF:
        return f"{codepoint:04X}"
    return f"{0xD800 | (codepoint - 0x10000) >> 10:04X}{0xDC00 | (codepoint & 0x3FF):04X}"
