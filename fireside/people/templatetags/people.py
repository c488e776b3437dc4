"""How a person appears on a page: the avatar and the name with its badges.

Built in Python rather than included as templates: they appear once per post and per
thread row, and an {% include %} costs more than the whole tag. `people/_avatar.html`
and `people/_name.html` call these too, so the markup lives here only.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from fireside.people.models import Kind, Role

register = template.Library()

_STAFF_BADGE_ROLES = (Role.MODERATOR, Role.COMMUNITY_MANAGER)


@register.simple_tag
def avatar(person: Any, size: str = "md") -> SafeString:
    # The standard library's escape, as Django's does, without its lazy-string checks: this
    # runs twice per post of a thread page. Every value below is escaped or an int.
    size = escape(size or "md")
    if person.avatar:
        return mark_safe(f'<img class="avatar {size}" src="{escape(person.avatar.url)}" '  # noqa: S308
                         'alt="" loading="lazy">')
    return mark_safe(f'<span class="avatar {size}" style="--h:{int(person.avatar_hue)}" '  # noqa: S308
                     f'aria-hidden="true">{escape(person.initials)}</span>')


@register.simple_tag(takes_context=True)
def person_name(context: template.Context, person: Any) -> SafeString:
    return name_html(person, str(context.get("organization") or ""))


def name_html(person: Any, organization: str) -> SafeString:
    """The name linked to the profile, with the badges that say who speaks for whom."""
    html = (f'<a class="person" href="/people/{escape(person.username)}">'
            f"{escape(person.name)}</a>")
    if person.kind == Kind.EMPLOYEE:
        html += (f' <span class="badge employee" title="Works at {escape(organization)}">'
                 "Employee</span>")
    elif person.kind == Kind.PARTNER:
        html += (f' <span class="badge partner" title="A partner of {escape(organization)}">'
                 "Partner</span>")
    if person.role in _STAFF_BADGE_ROLES:
        html += f' <span class="badge role">{escape(str(person.get_role_display()))}</span>'
    return mark_safe(html)  # noqa: S308 - every value is escaped above
