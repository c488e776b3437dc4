"""Turning what members write into safe HTML and plain text.

Markdown is rendered by markdown-it (CommonMark, raw HTML disabled) and the result is
sanitized again by nh3 (ammonia), so that neither a Markdown trick nor an imported HTML
body can carry a script, an event handler or a javascript: link.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "span": {"class"},
}
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,149})")
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
# The end of a block (a paragraph, a list item, a heading, a line break) ends a line.
_BLOCK_END_RE = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_INLINE_SPACE_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\s*\n\s*")


def sanitize_html(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )


def render_markdown(source: str, known_handles: set[str] | None = None) -> str:
    """Markdown to sanitized HTML; @handles of known members become profile links."""
    rendered = _md.render(source)
    if known_handles:
        rendered = _link_mentions(rendered, known_handles)
    return sanitize_html(rendered)


def _link_mentions(rendered: str, known_handles: set[str]) -> str:
    lowered = {h.lower() for h in known_handles}
    # Only text outside tags is touched, so attributes and code stay as written.
    parts = re.split(r"(<[^>]+>)", rendered)
    in_code = 0
    for i, part in enumerate(parts):
        if part.startswith("<"):
            tag = part[1:].split(">")[0].split()[0].lower() if len(part) > 2 else ""
            if tag in ("code", "pre", "a"):
                in_code += 1
            elif tag in ("/code", "/pre", "/a"):
                in_code = max(0, in_code - 1)
            continue
        if in_code:
            continue
        parts[i] = MENTION_RE.sub(
            lambda m: (
                f'<a href="/people/{m.group(1)}" class="mention">@{m.group(1)}</a>'
                if m.group(1).lower() in lowered
                else m.group(0)
            ),
            part,
        )
    return "".join(parts)


def mentioned_handles(source: str) -> set[str]:
    return {m.group(1).rstrip(".-") for m in MENTION_RE.finditer(source)}


_SPACE_BEFORE_PUNCT_RE = re.compile(r" ([.,;:!?)])")


def html_to_text(fragment: str) -> str:
    """Plain text, one line per block: the stream and the care inbox show a post's
    paragraphs as lines. Other tags become spaces so that words in adjacent elements stay
    apart; a space that this leaves before punctuation ("the FAQ .") is taken out again."""
    marked = _BLOCK_END_RE.sub("\n", fragment.replace("\n", " "))
    text = _INLINE_SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", marked)))
    text = _BLANK_LINES_RE.sub("\n", text).strip()
    return _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)


def excerpt(text: str, length: int = 180) -> str:
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"
