"""A thread's posts, rendered: up to a hundred a page, each with its author, dates,
reactions and, for members, the forms to accept, edit, flag and moderate.

Built in Python rather than as template markup: through the template engine the post
list took most of the thread page's time (40-80 ms for 100 posts on the benchmark
machine, see docs/performance.md); this takes a few. What goes into the HTML unescaped is
an int, a string escaped here (or by `name_html`/`avatar`), the CSRF input Django renders,
or `body_html`, which was sanitized when the post was saved. `{% post_article %}` in
community/thread.html and `{% reactions %}` in community/_reactions.html (which the htmx
reaction answer renders too) are the only ways in, so the markup lives here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, tzinfo
from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from fireside.people.templatetags.people import avatar, name_html

register = template.Library()

_PAGE_KEY = "community.post_page"
_ID = 987654321  # stands for the post id in a reversed URL, which is then cut around it


def _url_around_id(name: str, *after: str) -> tuple[str, str]:
    """The URL before and after the post id, HTML-escaped, so a post's URL is a join."""
    before, _, rest = reverse(name, args=[_ID, *after]).partition(str(_ID))
    return escape(before), escape(rest)


@dataclass(frozen=True)
class _Page:
    """What every post on the page shares: the viewer, what they may do, the URL shapes."""

    user_id: int | None  # the viewer's, read once: request.user is a lazy object
    signed_in: bool
    moderator: bool
    can_accept: bool
    accepted_post_id: int | None
    organization: str
    csrf: SafeString
    urls: dict[str, tuple[str, str]]
    days: dict[date, str] = field(default_factory=dict)
    zone: tzinfo = field(default_factory=timezone.get_current_timezone)

    def url(self, name: str, post_id: int) -> str:
        """The URL, ready to put in an attribute."""
        before, after = self.urls[name]
        return f"{before}{int(post_id)}{after}"


def _page(context: template.Context) -> _Page:
    """Built once per rendering of a page: the URLs are reversed once, not once a post."""
    page = context.render_context.get(_PAGE_KEY)
    if page is None:
        user = context.get("user")
        thread = context.get("thread")
        signed_in = bool(user is not None and user.is_authenticated)
        page = _Page(
            user_id=user.pk if signed_in and user is not None else None,
            signed_in=signed_in,
            moderator=bool(context.get("moderator")),
            can_accept=bool(context.get("can_accept")),
            accepted_post_id=getattr(thread, "accepted_post_id", None),
            organization=str(context.get("organization") or ""),
            csrf=mark_safe(CsrfTokenNode().render(context)),  # noqa: S308 - escaped there
            urls={"like": _url_around_id("react", "like"),
                  "helpful": _url_around_id("react", "helpful"),
                  "accept": _url_around_id("accept"), "post_edit": _url_around_id("post_edit"),
                  "post_history": _url_around_id("post_history"),
                  "flag": _url_around_id("flag"), "moderate_post": _url_around_id("moderate_post")},
        )
        context.render_context[_PAGE_KEY] = page
    return page


def _reactions(page: _Page, post: Any) -> SafeString:
    pk, likes, helpful = int(post.pk), int(post.like_count), int(post.helpful_count)
    if not (page.signed_in and post.author_id != page.user_id):
        plural = "" if likes == 1 else "s"
        return mark_safe(f'<span class="small muted">{likes} like{plural} · '  # noqa: S308
                         f"{helpful} found this helpful</span>")
    forms = []
    for kind, label, count, on in (
            ("like", "Like", likes, getattr(post, "viewer_like", False)),
            ("helpful", "Helpful", helpful, getattr(post, "viewer_helpful", False))):
        url = page.url(kind, pk)
        forms.append(
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#reactions-{pk}">'
            f'{page.csrf}<input type="hidden" name="on" value="{"0" if on else "1"}">'
            f'<button class="small{" on" if on else ""}" type="submit" '
            f'aria-pressed="{"true" if on else "false"}" data-testid="{kind}-{pk}">'
            f"{label} {count}</button></form>")
    return mark_safe("".join(forms))  # noqa: S308 - only ints and escaped URLs go in


def _head(page: _Page, post: Any) -> str:
    pk, author = int(post.pk), post.author
    created = post.created_at.astimezone(page.zone)
    day = page.days.get(created.date())
    if day is None:  # month names are translated: once a day shown, not once a post
        day = page.days[created.date()] = escape(date_filter(created, "M j, Y"))
    line = f'<a href="#post-{pk}" title="{created:%Y-%m-%d %H:%M} UTC">{day}</a>'
    if post.edited_at:
        line += f' · <a href="{page.url("post_history", pk)}">edited</a>'
    if pk == page.accepted_post_id:
        line += ' · <strong style="color:var(--ok)">✓ Accepted answer</strong>'
    if post.is_hidden:
        line += ' · <span class="chip hidden">Hidden</span>'
    title = f'<span class="small muted">{escape(author.title)}</span>' if author.title else ""
    return (f'<div class="post-head">{name_html(author, page.organization)}{title}'
            f'<span class="title-line">{line}</span></div>')


def _member_actions(page: _Page, post: Any) -> SafeString:
    pk = int(post.pk)
    parts = []
    if page.can_accept and not post.is_opening:
        button = ('<input type="hidden" name="undo" value="1"><button class="small" '
                  'type="submit">Unaccept</button>' if pk == page.accepted_post_id else
                  f'<button class="small" type="submit" data-testid="accept-{pk}">'
                  "✓ Accept answer</button>")
        parts.append(f'<form method="post" action="{page.url("accept", pk)}">{page.csrf}'
                     f"{button}</form>")
    if post.author_id == page.user_id or page.moderator:
        parts.append(f'<a class="small" href="{page.url("post_edit", pk)}">Edit</a>')
    if post.author_id != page.user_id:
        parts.append(
            f'<details class="small"><summary>Flag</summary><form method="post" '
            f'action="{page.url("flag", pk)}">{page.csrf}<input type="text" name="reason" '
            'placeholder="Why should a moderator look?" required> <button class="small" '
            'type="submit">Send</button></form></details>')
    if page.moderator and not post.is_opening:
        action, label = ("unhide", "Unhide") if post.is_hidden else ("hide", "Hide")
        parts.append(
            f'<details class="small"><summary>Moderate</summary><form method="post" '
            f'action="{page.url("moderate_post", pk)}">{page.csrf}<select name="action">'
            f'<option value="{action}">{label}</option><option value="delete">Delete</option>'
            '</select> <input type="text" name="reason" placeholder="Reason (shown when '
            'deleting)"> <button class="small danger" type="submit">Apply</button></form>'
            "</details>")
    return mark_safe("".join(parts))  # noqa: S308 - only ints and escaped URLs go in


@register.simple_tag(takes_context=True)
def post_article(context: template.Context, post: Any) -> SafeString:
    """One post of a thread page, as seen by the page's viewer."""
    page = _page(context)
    pk = int(post.pk)
    classes = "post"
    if pk == page.accepted_post_id:
        classes += " accepted"
    if post.is_deleted or post.is_hidden:
        classes += " removed"
    if post.is_deleted:
        body = ('<p class="muted"><em>This post was removed by a moderator: '
                f"{escape(post.delete_reason)}</em></p>")
    else:
        actions = _member_actions(page, post) if page.signed_in else ""
        # body_html was sanitized when the post was saved.
        body = (f'<div class="body">{post.body_html}</div><div class="post-actions">'
                f'<span id="reactions-{pk}" class="reactions">{_reactions(page, post)}</span>'
                f'{actions}</div>')
    return mark_safe(  # noqa: S308 - every value is an int, escaped, or sanitized HTML
        f'<article class="{classes}" id="post-{pk}">{avatar(post.author, "md")}<div>'
        f"{_head(page, post)}{body}</div></article>")


@register.simple_tag(takes_context=True)
def reactions(context: template.Context, post: Any) -> SafeString:
    """The like and helpful buttons of a post (counts only, for its author and visitors)."""
    return _reactions(_page(context), post)
