"""Course lesson Markdown: reference extraction, titles and safe HTML rendering.

The renderer is an allowlist: raw HTML is never emitted, links survive only for the course
schemes (`source:`, `glossary:`, `lesson:`) that resolve and for http(s)/mailto, images only
for `images/...` paths that resolve, and every attribute in the output is set here, never by
the course file.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

CALLOUTS = ("note", "warning", "legal")
DEFAULT_LABELS: Mapping[str, str] = {
    "note": "Nota",
    "warning": "Atención",
    "legal": "Texto legal",
    "table": "Tabla",
}
INTERNAL = ("source", "glossary", "lesson")
LINK_CLASS = {"source": "citation", "glossary": "glossary-term"}
WEB = re.compile(r"(https?://|mailto:)", re.IGNORECASE)
REL = "noopener noreferrer"
ALIGN = re.compile(r"text-align:(left|center|right)")


@dataclass(frozen=True)
class Reference:
    """A link or image target found in a Markdown document."""

    kind: str  # "source" | "glossary" | "lesson" | "image" | "url"
    target: str
    line: int  # 1-based line in the Markdown source


class Links(Protocol):
    """Resolves course targets to URLs; each method returns None for an unknown target."""

    def source(self, id: str) -> str | None: ...

    def glossary(self, id: str) -> str | None: ...

    def lesson(self, id: str) -> str | None: ...

    def image(self, path: str) -> str | None: ...


def _render_callout(self: Any, tokens: Sequence[Token], idx: int, _opts: Any, env: Any) -> str:
    """Render the opening or closing tag of a callout container."""
    token = tokens[idx]
    if token.nesting != 1:
        return "</aside>\n"
    kind = token.type.removeprefix("container_").removesuffix("_open")
    label = escape(env["labels"].get(kind, ""))
    return f'<aside class="callout callout-{kind}" role="note"><p class="callout-label">{label}</p>\n'


def _escape_raw(self: Any, tokens: Sequence[Token], idx: int, _opts: Any, _env: Any) -> str:
    """Escape raw HTML tokens, should any ever be produced."""
    return escape(tokens[idx].content)


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, opts: Any, env: Any) -> str:
    """A table sits in a scroll box the keyboard can reach, so a wide one never widens the page."""
    label = escape(env["labels"].get("table", ""))
    return f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}">' + self.renderToken(
        tokens, idx, opts, env
    )


def _render_table_close(self: Any, tokens: Sequence[Token], idx: int, opts: Any, env: Any) -> str:
    return self.renderToken(tokens, idx, opts, env) + "</div>\n"


def _parser() -> MarkdownIt:
    """Build the shared CommonMark parser with tables and the three callouts."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "xhtmlOut": False})
    md.enable("table")
    # Every destination becomes a token; _resolve_link/_resolve_image decide what survives.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    for kind in CALLOUTS:
        md.use(container_plugin, name=kind, render=_render_callout)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("html_block", _escape_raw)
    md.add_render_rule("html_inline", _escape_raw)
    return md


_MD = _parser()


def _classify(href: str) -> tuple[str, str]:
    """Split a link destination into its kind and target."""
    for kind in INTERNAL:
        if href.startswith(kind + ":"):
            return kind, unquote(href[len(kind) + 1 :])
    return "url", href


def _image_path(src: str) -> str | None:
    """Return the decoded course image path, or None if it is not a plain `images/...` path."""
    path = unquote(src)
    if not path.startswith("images/") or "\\" in path or ".." in path.split("/"):
        return None
    return path


def references(source: str) -> list[Reference]:
    """List every link and image target in the document with its source line."""
    found: list[Reference] = []
    for block in _MD.parse(source):
        if block.type != "inline" or block.map is None:
            continue
        line = block.map[0] + 1
        for child in block.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                found.append(Reference(*_classify(str(child.attrGet("href"))), line))
            elif child.type == "image":
                found.append(Reference("image", unquote(str(child.attrGet("src"))), line))
                line += sum(c.type in ("softbreak", "hardbreak") for c in child.children or [])
    return found


def _plain_text(inline: Token) -> str:
    """Return the text of an inline token with markup stripped."""
    renderer: Any = _MD.renderer  # the default RendererHTML, which the protocol type does not describe
    return str(renderer.renderInlineAsText(inline.children, _MD.options, {}))


def _first_h1(tokens: Sequence[Token]) -> int | None:
    """Return the index of the first level-1 heading_open token."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return i
    return None


def title(source: str) -> str | None:
    """Return the text of the first level-1 heading, or None if there is none.

    The title is the first block of nearly every page, so that block is parsed alone first: a heading
    found there is the document's first too (parsing every page whole cost a third of loading the
    courses at start-up)."""
    first_block = source.lstrip("\n").split("\n\n", 1)[0]
    return _title_in(first_block) or _title_in(source)


def _title_in(source: str) -> str | None:
    tokens = _MD.parse(source)
    i = _first_h1(tokens)
    text = _plain_text(tokens[i + 1]).strip() if i is not None else ""
    return text or None


def _resolve_link(href: str, links: Links) -> dict[str, str | int | float] | None:
    """Return the attributes of a safe anchor for href, or None to render plain text."""
    kind, target = _classify(href)
    if kind == "url":
        return {"href": href, "rel": REL} if WEB.match(href) else None
    url = getattr(links, kind)(target)
    if url is None:
        return None
    attrs: dict[str, str | int | float] = {"href": url}
    if kind in LINK_CLASS:
        attrs["class"] = LINK_CLASS[kind]
    return attrs


def _resolve_image(token: Token, links: Links) -> Token:
    """Return a safe image token, or a text token with the alt text."""
    path = _image_path(str(token.attrGet("src")))
    url = links.image(path) if path is not None else None
    if url is None:
        return Token("text", "", 0, content=_plain_text(token))
    token.attrs = {"src": url, "alt": "", "loading": "lazy"}
    return token


def _rewrite_inline(children: list[Token], links: Links) -> list[Token]:
    """Resolve links and images, dropping anchors whose target is unsafe or unknown."""
    out: list[Token] = []
    keep: list[bool] = []
    for child in children:
        if child.type == "link_open":
            attrs = _resolve_link(str(child.attrGet("href")), links)
            keep.append(attrs is not None)
            child.attrs = attrs or {}
        elif child.type == "image":
            child = _resolve_image(child, links)
        if child.type not in ("link_open", "link_close") or keep[-1]:
            out.append(child)
        if child.type == "link_close":
            keep.pop()
    return out


def _rewrite_cell(token: Token) -> None:
    """Turn table alignment styles into classes so no style attribute is emitted."""
    match = ALIGN.fullmatch(str(token.attrGet("style") or ""))
    token.attrs = {"class": f"align-{match.group(1)}"} if match else {}


def _rewrite(tokens: list[Token], links: Links, skip_title: bool) -> list[Token]:
    """Apply the safety and resolution rules to a parsed token stream."""
    h1 = _first_h1(tokens) if skip_title else None
    if h1 is not None:
        tokens = tokens[:h1] + tokens[h1 + 3 :]
    for token in tokens:
        if token.type == "inline":
            token.children = _rewrite_inline(token.children or [], links)
        elif token.type in ("th_open", "td_open"):
            _rewrite_cell(token)
    return tokens


def render(
    source: str,
    links: Links,
    *,
    labels: Mapping[str, str] | None = None,
    skip_title: bool = True,
) -> str:
    """Render lesson Markdown to safe HTML, resolving course links through links."""
    env = {"labels": {**DEFAULT_LABELS, **(labels or {})}}
    tokens = _rewrite(_MD.parse(source, env), links, skip_title)
    return _MD.renderer.render(tokens, _MD.options, env)
