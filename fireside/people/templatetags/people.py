"""How a person appears on a page: the avatar and the name with its badges.

Built in Python rather than included as templates: they appear once per post and per
thread row, and an {% include %} costs more than the whole tag. `people/_avatar.html`
and `people/_name.html` call these too, so the markup lives here only.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fireside.people.models import Kind, Role

register = template.Library()

_STAFF_BADGE_ROLES = (Role.MODERATOR, Role.COMMUNITY_MANAGER)


@register.simple_tag
def avatar(person: Any, size: str = "md") -> SafeString:
    size = size or "md"
    if person.avatar:
        return format_html('<img class="avatar {}" src="{}" alt="" loading="lazy">', size,
                           person.avatar.url)
    return format_html('<span class="avatar {}" style="--h:{}" aria-hidden="true">{}</span>',
                       size, person.avatar_hue, person.initials)


@register.simple_tag(takes_context=True)
def person_name(context: template.Context, person: Any) -> SafeString:
    return name_html(person, str(context.get("organization") or ""))


def name_html(person: Any, organization: str) -> SafeString:
    """The name linked to the profile, with the badges that say who speaks for whom."""
    html = format_html('<a class="person" href="/people/{}">{}</a>', person.username, person.name)
    if person.kind == Kind.EMPLOYEE:
        html += format_html(' <span class="badge employee" title="Works at {}">Employee</span>',
                            organization)
    elif person.kind == Kind.PARTNER:
        html += format_html(' <span class="badge partner" title="A partner of {}">Partner</span>',
                            organization)
    if person.role in _STAFF_BADGE_ROLES:
        html += format_html(' <span class="badge role">{}</span>', person.get_role_display())
    return html
