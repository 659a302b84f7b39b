"""The lesson Markdown renderer: safe against hostile course files, resolves course links."""

from html.parser import HTMLParser

import pytest

from app.courses.markdown import Reference, references, render, title


class FakeLinks:
    """Knows source L1, glossary term trata, lesson intro and image images/flujo.svg."""

    def source(self, id: str) -> str | None:
        return f"/courses/demo/sources#{id}" if id == "L1" else None

    def glossary(self, id: str) -> str | None:
        return f"/courses/demo/glossary#{id}" if id == "trata" else None

    def lesson(self, id: str) -> str | None:
        return f"/courses/demo/{id}" if id == "intro" else None

    def image(self, path: str) -> str | None:
        return f"/static/courses/demo/{path}" if path == "images/flujo.svg" else None


class Tags(HTMLParser):
    """Collects every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def html_of(source: str, **kwargs: object) -> str:
    return render(source, FakeLinks(), **kwargs)  # type: ignore[arg-type]


def assert_safe(html: str) -> None:
    """No event handler, htmx or style attribute, no script/iframe, no dangerous URL."""
    for tag, attrs in tags(html):
        assert tag not in ("script", "iframe", "object", "embed", "style", "form"), tag
        if tag == "div":  # only the scroll box the renderer puts around a table
            assert attrs.get("class") == "table-scroll" and set(attrs) == {
                "class",
                "tabindex",
                "role",
                "aria-label",
            }
        for name, value in attrs.items():
            assert not name.startswith(("on", "hx-", "data-")), (tag, name)
            assert name != "style", tag
            if name in ("href", "src"):
                lowered = (value or "").strip().lower()
                assert lowered.startswith(("/", "http://", "https://", "mailto:")), value
                assert not lowered.startswith("//"), value


def anchors(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in tags(html) if tag == "a"]


def test_script_tag_in_lesson_is_escaped_not_rendered() -> None:
    html = html_of("Hola <script>alert(1)</script> mundo\n\n<script>\nalert(2)\n</script>\n")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_safe(html)


def test_img_with_onerror_is_escaped_as_text() -> None:
    html = html_of("<img src=x onerror=alert(1)>\n\nTexto <img src=x onerror=alert(1)> aquí")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_safe(html)


def test_div_with_hx_get_is_escaped_as_text() -> None:
    html = html_of('<div hx-get="/admin/delete" hx-trigger="load">x</div>\n')
    assert "<div" not in html
    assert "&lt;div hx-get=" in html
    assert_safe(html)


def test_inline_event_handlers_and_attribute_syntax_are_never_attributes() -> None:
    html = html_of(
        '<a href="#" onclick="steal()">x</a> <span onmouseover=alert(1)>y</span>\n\n'
        '# Heading {onclick="x" hx-post="/y" style="color:red"}\n\n'
        '[link](https://example.org){onclick="x"}\n'
    )
    assert_safe(html)
    assert "<span" not in html
    assert anchors(html) == [{"href": "https://example.org", "rel": "noopener noreferrer"}]


@pytest.mark.parametrize(
    "destination",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "<javascript:alert(1)>",
        "< javascript:alert(1)>",
        "<java\tscript:alert(1)>",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&#58;alert(1)",
        "javas%63ript:alert(1)",
        "\\javascript:alert(1)",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/png;base64,iVBORw0KGgo=",
        "//evil.example/x",
        "../otra-leccion.html",
        "otra-leccion",
        "/admin",
        "#top",
        "",
    ],
)
def test_link_with_unsafe_or_relative_destination_renders_as_plain_text(destination: str) -> None:
    html = html_of(f"Ver [el enlace]({destination}) ahora.")
    assert anchors(html) == []
    assert "el enlace" in html
    assert_safe(html)


@pytest.mark.parametrize("autolink", ["<javascript:alert(1)>", "<JAVASCRIPT:alert(1)>", "<data:text/html,x>"])
def test_autolink_with_unsafe_scheme_renders_as_plain_text(autolink: str) -> None:
    html = html_of(f"Ver {autolink}")
    assert anchors(html) == []
    assert_safe(html)


def test_reference_style_javascript_link_renders_as_plain_text() -> None:
    html = html_of("Ver [aquí][x].\n\n[x]: javascript:alert(1)\n")
    assert anchors(html) == []
    assert "aquí" in html
    assert_safe(html)


def test_http_https_and_mailto_links_get_rel_and_no_target() -> None:
    html = html_of(
        '[a](http://example.org/a) [b](HTTPS://Example.org/b "title") [c](mailto:oficina@example.org)\n'
        "<https://example.org/auto>"
    )
    found = anchors(html)
    assert [a["href"] for a in found] == [
        "http://example.org/a",
        "HTTPS://Example.org/b",
        "mailto:oficina@example.org",
        "https://example.org/auto",
    ]
    for a in found:
        assert a["rel"] == "noopener noreferrer"
        assert "target" not in a
        assert "title" not in a
    assert_safe(html)


def test_bare_url_is_not_linkified() -> None:
    html = html_of("Visite https://example.org hoy.")
    assert anchors(html) == []
    assert "https://example.org" in html


def test_source_glossary_and_lesson_links_resolve_with_classes() -> None:
    html = html_of(
        "Según la [Ley 4788/2012, art. 5](source:L1), la [trata de personas](glossary:trata) "
        "se explica en [la introducción](lesson:intro)."
    )
    assert anchors(html) == [
        {"href": "/courses/demo/sources#L1", "class": "citation"},
        {"href": "/courses/demo/glossary#trata", "class": "glossary-term"},
        {"href": "/courses/demo/intro"},
    ]
    assert ">Ley 4788/2012, art. 5</a>" in html


@pytest.mark.parametrize("target", ["source:NOPE", "glossary:nope", "lesson:nope", "Source:L1", "source:"])
def test_unknown_course_target_renders_link_text_without_anchor(target: str) -> None:
    html = html_of(f"Dice [el *texto* citado]({target}) así.")
    assert anchors(html) == []
    assert "<p>Dice el <em>texto</em> citado así.</p>" in html


def test_course_image_resolves_with_lazy_loading_and_escaped_alt() -> None:
    html = html_of('![Flujo <b>"denuncia"</b> & derivación](images/flujo.svg "t")')
    images = [attrs for tag, attrs in tags(html) if tag == "img"]
    assert images == [
        {
            "src": "/static/courses/demo/images/flujo.svg",
            "alt": 'Flujo <b>"denuncia"</b> & derivación',
            "loading": "lazy",
        }
    ]
    assert "<b>" not in html
    assert 'alt="Flujo &lt;b&gt;&quot;denuncia&quot;&lt;/b&gt; &amp; derivación"' in html


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.png",
        "http://example.org/a.png",
        "//example.org/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "images/desconocida.svg",
        "images/../../secrets.png",
        "images/%2e%2e/secrets.png",
        "/images/flujo.svg",
        "flujo.svg",
    ],
)
def test_image_outside_course_images_is_dropped_leaving_alt_text(src: str) -> None:
    html = html_of(f"Antes ![Diagrama del flujo]({src}) después")
    assert "<img" not in html
    assert "<p>Antes Diagrama del flujo después</p>" in html


def test_image_inside_unknown_link_keeps_image_and_drops_anchor() -> None:
    html = html_of("[![Flujo](images/flujo.svg)](glossary:nope)")
    assert anchors(html) == []
    assert '<img src="/static/courses/demo/images/flujo.svg" alt="Flujo" loading="lazy">' in html


@pytest.mark.parametrize(
    ("kind", "label"), [("note", "Nota"), ("warning", "Atención"), ("legal", "Texto legal")]
)
def test_callout_renders_aside_with_default_spanish_label(kind: str, label: str) -> None:
    html = html_of(f"::: {kind}\nUn **punto** clave.\n:::\n")
    assert html == (
        f'<aside class="callout callout-{kind}" role="note"><p class="callout-label">{label}</p>\n'
        "<p>Un <strong>punto</strong> clave.</p>\n</aside>\n"
    )


def test_callout_labels_can_be_translated_and_are_escaped() -> None:
    labels = {"note": "Note", "warning": "<b>Warning</b>", "legal": "Legal text"}
    html = html_of("::: warning\nCuidado.\n:::\n\n::: legal\nArt. 5.\n:::\n", labels=labels)
    assert '<p class="callout-label">&lt;b&gt;Warning&lt;/b&gt;</p>' in html
    assert '<p class="callout-label">Legal text</p>' in html
    assert "<b>" not in html


def test_callout_with_partial_labels_falls_back_to_defaults() -> None:
    html = html_of("::: legal\nx\n:::\n", labels={"note": "Note"})
    assert '<p class="callout-label">Texto legal</p>' in html


def test_unknown_container_renders_as_plain_paragraph() -> None:
    html = html_of("::: danger\n<b onclick=x>texto</b>\n:::\n\n::: Note\ny\n:::\n")
    assert "<aside" not in html
    assert "<div" not in html
    assert "<p>::: danger\n&lt;b onclick=x&gt;texto&lt;/b&gt;\n:::</p>" in html
    assert_safe(html)


def test_callout_content_is_also_sanitised() -> None:
    html = html_of("::: note\n<script>x</script> [a](javascript:alert(1)) [b](glossary:trata)\n:::\n")
    assert "<script" not in html
    assert anchors(html) == [{"href": "/courses/demo/glossary#trata", "class": "glossary-term"}]
    assert_safe(html)


def test_table_renders_with_alignment_classes_not_styles() -> None:
    html = html_of(
        "| Ley | Artículo |\n|:---|---:|\n| [Ley 4788/2012](source:L1) | 5 |\n| Código | <i>x</i> |\n"
    )
    assert "<table>" in html
    assert '<th class="align-left">Ley</th>' in html
    assert '<td class="align-right">5</td>' in html
    assert '<a href="/courses/demo/sources#L1" class="citation">Ley 4788/2012</a>' in html
    assert "style=" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_code_fence_info_cannot_inject_attributes() -> None:
    html = html_of('```py" onmouseover="alert(1)\nx = 1\n```\n')
    assert_safe(html)
    assert all(set(attrs) <= {"class"} for _, attrs in tags(html))


def test_first_h1_is_skipped_by_default_and_kept_on_request() -> None:
    source = "# Qué es el trabajo infantil\n\nTexto.\n\n# Otro h1\n"
    assert html_of(source) == "<p>Texto.</p>\n<h1>Otro h1</h1>\n"
    assert html_of(source, skip_title=False).startswith("<h1>Qué es el trabajo infantil</h1>\n")


def test_headings_have_no_ids_or_other_attributes() -> None:
    html = html_of("# T\n\n## Sección {#id .cls}\n")
    assert ("h2", {}) in tags(html)
    assert "<h1>" not in html


def test_render_is_deterministic() -> None:
    first = html_of(LESSON)
    assert all(html_of(LESSON) == first for _ in range(3))


def test_real_lesson_renders_safely_with_all_features() -> None:
    html = html_of(LESSON)
    assert_safe(html)
    assert "<h1>" not in html
    assert "<h2>1. Definición</h2>" in html
    assert html.count("<aside") == 2
    assert '<a href="/courses/demo/glossary#trata" class="glossary-term">trata de personas</a>' in html
    assert html.count('class="citation"') == 2
    assert '<a href="/courses/demo/intro">la lección anterior</a>' in html
    assert (
        '<img src="/static/courses/demo/images/flujo.svg" alt="Flujo de derivación" loading="lazy">' in html
    )
    assert "<table>" in html and "<ol>" in html and "<ul>" in html


def test_references_reports_each_target_with_its_line() -> None:
    source = (
        "# Título\n"  # 1
        "\n"  # 2
        "Ver [ley](source:L1) y\n"  # 3
        "la [trata](glossary:trata), luego\n"  # 4
        "[siguiente](lesson:intro).\\\n"  # 5 (hard break)
        "![Flujo](images/flujo.svg) y [web](https://example.org)\n"  # 6
        "\n"  # 7
        "| a | b |\n"  # 8
        "|---|---|\n"  # 9
        "| 1 | [mal](javascript:alert(1)) |\n"  # 10
        "\n"  # 11
        "::: note\n"  # 12
        "- [x](source:NOPE)\n"  # 13
        ":::\n"  # 14
    )
    assert references(source) == [
        Reference("source", "L1", 3),
        Reference("glossary", "trata", 4),
        Reference("lesson", "intro", 5),
        Reference("image", "images/flujo.svg", 6),
        Reference("url", "https://example.org", 6),
        Reference("url", "javascript:alert(1)", 10),
        Reference("source", "NOPE", 13),
    ]


def test_references_counts_lines_inside_multiline_image_alt() -> None:
    source = "![una\ndescripción](images/a.svg) [b](lesson:b)\n\n## [T](glossary:t)\n"
    assert references(source) == [
        Reference("image", "images/a.svg", 1),
        Reference("lesson", "b", 2),
        Reference("glossary", "t", 4),
    ]


def test_references_of_lesson_lists_all_targets() -> None:
    kinds = [ref.kind for ref in references(LESSON)]
    assert kinds.count("source") == 2
    assert kinds.count("glossary") == 1
    assert kinds.count("lesson") == 1
    assert kinds.count("image") == 1


def test_title_is_text_of_first_h1_without_markup() -> None:
    assert title("# Qué es *trata* de `personas`\n\n# Otro\n") == "Qué es trata de personas"
    assert title("Intro\n\n## Sub\n\nTítulo\n======\n") == "Título"


def test_title_is_none_without_h1() -> None:
    assert title("## Solo h2\n\nTexto") is None
    assert title("") is None
    assert title("#\n") is None


LESSON = """\
# ¿Qué es la trata de personas?

La [trata de personas](glossary:trata) es un delito grave. Este texto retoma
[la lección anterior](lesson:intro).

## 1. Definición

::: legal
La ley define la trata y sus fines de explotación
([Ley 4788/2012, art. 5](source:L1)).
:::

Elementos que el oficial debe identificar:

1. **Acción**: captar, transportar, trasladar, acoger o recibir.
2. **Medio**: engaño, amenaza, abuso de una situación de vulnerabilidad.
3. **Fin**: explotación.

::: warning
El consentimiento de la víctima **no** excluye el delito
([Ley 4788/2012](source:L1)).
:::

| Elemento | Ejemplo |
|---|---|
| Acción | Traslado desde Caaguazú |
| Medio | Falsa oferta de empleo |

![Flujo de derivación](images/flujo.svg)

- Entreviste a la víctima en un lugar seguro.
- Evite preguntas que la culpen.
"""


def test_a_table_sits_in_a_named_scroll_box_the_keyboard_can_reach() -> None:
    html = html_of("| a | b |\n|---|---|\n| 1 | 2 |\n", labels={"table": "Tabla"})

    assert html.startswith('<div class="table-scroll" tabindex="0" role="region" aria-label="Tabla"><table>')
    assert html.rstrip().endswith("</table>\n</div>")
    assert_safe(html)


def test_title_skips_a_heading_inside_a_code_block_that_spans_a_blank_line() -> None:
    assert title("```\n\n# not a title\n```\n\n# Título\n") == "Título"
