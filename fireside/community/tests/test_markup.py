"""Markdown is rendered, and whatever a member writes comes out without a way to run script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from fireside.community import markup
from fireside.testing import make_thread

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    "[click](javascript:window.__xss=1)",
    "[click](JaVaScRiPt:window.__xss=1)",
    "[click](&#106;avascript:window.__xss=1)",
    '"><script>window.__xss=1</script>',
    '<a href="javascript:window.__xss=1">x</a>',
    '<iframe src="javascript:window.__xss=1">',
    "![x](x\" onerror=\"window.__xss=1)",
    '![x](javascript:window.__xss=1 "t")',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    "```\n</code><script>window.__xss=1</script>\n```",
    "@<script>window.__xss=1</script>",
]


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would build them."""

    def __init__(self, fragment: str) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(fragment)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_harmless(fragment: str) -> None:
    for tag, attrs in _Elements(fragment).found:
        assert tag in markup.ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            if name in ("href", "src"):
                scheme = (value or "").split(":", 1)[0].strip().lower() if ":" in (
                    value or "") else ""
                assert scheme in ("", "http", "https", "mailto"), (tag, value)


def test_markdown_is_rendered():
    html = markup.render_markdown(
        "# Title\n\n**bold** _em_ `code` ~~gone~~\n\n- one\n- two\n\n"
        "[link](https://example.org) ![pic](https://example.org/p.png)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n\n```\nx = 1\n```")

    for expected in ("<h1>Title</h1>", "<strong>bold</strong>", "<em>em</em>",
                     "<code>code</code>", "<s>gone</s>", "<li>one</li>",
                     '<a href="https://example.org" rel="nofollow noopener ugc">link</a>',
                     '<img src="https://example.org/p.png" alt="pic">', "<td>1</td>",
                     "<blockquote>", "<pre><code>x = 1\n</code></pre>"):
        assert expected in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_rendering(payload):
    assert_harmless(markup.render_markdown(payload, {"script"}))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_imported_html_is_sanitized_too(payload):
    assert_harmless(markup.sanitize_html(payload))


def test_the_checker_itself_catches_a_payload():
    with pytest.raises(AssertionError):
        assert_harmless('<a href="javascript:x()">x</a>')
    with pytest.raises(AssertionError):
        assert_harmless('<img src=x onerror="x()">')


def test_links_get_rel_nofollow_so_spam_earns_nothing():
    assert 'rel="nofollow noopener ugc"' in markup.render_markdown("[x](https://spam.example)")


def test_mentions_inside_code_and_links_are_left_alone():
    html = markup.render_markdown("`@ada` and [@ada](https://example.org) and @ada", {"ada"})

    assert "<code>@ada</code>" in html
    assert html.count('href="/people/ada"') == 1


def test_mentions_are_found_in_the_source():
    assert markup.mentioned_handles("Hi @ada, @grace. and email me@example.com") == {
        "ada", "grace"}


def test_plain_text_drops_the_markup():
    assert markup.html_to_text("<p>Use <strong>cold</strong> &amp; fresh milk.</p>") == \
        "Use cold & fresh milk."


@pytest.mark.django_db
def test_a_post_stores_its_rendered_and_plain_forms(space, asker):
    post = make_thread(space, asker, body="**Cold** <b>milk</b>").posts.get()

    assert post.body == "**Cold** <b>milk</b>"
    assert post.body_html == "<p><strong>Cold</strong> &lt;b&gt;milk&lt;/b&gt;</p>\n"
    assert post.body_text == "Cold <b>milk</b>"


def test_plain_text_keeps_one_line_per_paragraph_and_list_item():
    """The stream and the care inbox show a post's paragraphs as lines, not a run-on."""
    rendered = markup.render_markdown(
        "The results are in.\n\nTop three:\n\n- Maple pecan\n- Winter Embers\n\nThanks all!")
    assert markup.html_to_text(rendered) == \
        "The results are in.\nTop three:\nMaple pecan\nWinter Embers\nThanks all!"
    assert markup.html_to_text("<p>one<br>two</p>\n<p>three   four</p>") == \
        "one\ntwo\nthree four"
