"""Factories for tests and benchmarks: data is made by calling the real actions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from fireside.community import actions
from fireside.community.models import Post, Space, Thread, ThreadKind, Visibility
from fireside.people.models import Kind, Role, User

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test accounts only


def make_user(handle: str | None = None, *, kind: str = Kind.CUSTOMER, role: str = Role.MEMBER,
              verified: bool = True, display_name: str | None = None,
              password: str = PASSWORD) -> User:
    n = next(_seq)
    handle = handle or f"member{n}"
    user = User(username=handle, email=f"{handle}@example.com",
                display_name=display_name or handle.title(), kind=kind, role=role,
                email_verified=verified)
    user.set_password(password)
    user.save()
    return user


def make_space(slug: str | None = None, *, visibility: str = Visibility.PUBLIC,
               allowed_kinds: Iterable[str] = (), allowed_roles: Iterable[str] = (),
               members: Iterable[User] = (), moderators: Iterable[User] = (),
               name: str | None = None, purpose: str = "A place to talk.") -> Space:
    n = next(_seq)
    slug = slug or f"space-{n}"
    space = Space.objects.create(slug=slug, name=name or slug.replace("-", " ").title(),
                                 purpose=purpose, visibility=visibility,
                                 allowed_kinds=list(allowed_kinds),
                                 allowed_roles=list(allowed_roles))
    space.members.set(list(members))
    space.moderators.set(list(moderators))
    return space


def make_thread(space: Space, author: User | None = None, *, title: str | None = None,
                body: str = "What do you think?", kind: str = ThreadKind.DISCUSSION,
                tags: Iterable[str] = ()) -> Thread:
    author = author or make_user()
    return actions.do_create_thread(author, space, title=title or f"Thread {next(_seq)}",
                                    body=body, kind=kind, tags=tags)


def make_reply(thread: Thread, author: User | None = None, *, body: str = "I agree.") -> Post:
    return actions.do_reply(author or make_user(), thread, body=body)


_CSRF_RE = re.compile(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"')


def without_csrf(content: bytes) -> bytes:
    """A page without its CSRF tokens, which are masked afresh in every response: what is
    left can be compared byte for byte."""
    return _CSRF_RE.sub(b"", content)
