"""Writes for listening: channels, and messages coming in from the community."""

from __future__ import annotations

import secrets
from typing import Any

from fireside.errors import ActionError
from fireside.listening.ingest import IngestResult, RawMessage, ingest_batch
from fireside.listening.models import Channel, ChannelKind, OpenRule

COMMUNITY_CHANNEL = "Community"


def check_create_channel(name: str, kind: str, *, config: dict[str, Any] | None = None,
                         rules: dict[str, Any] | None = None, secret: str = "",
                         open_rule: str = OpenRule.ALL) -> Channel:
    name = name.strip()
    if not name or len(name) > 80:
        raise ActionError("A channel needs a name of at most 80 characters.")
    if kind not in ChannelKind.values:
        raise ActionError(f"Unknown connector {kind!r}.")
    if Channel.objects.filter(name=name).exists():
        raise ActionError(f"A channel named {name!r} exists already.")
    return do_create_channel(name, kind, config=config, rules=rules, secret=secret,
                             open_rule=open_rule)


def do_create_channel(name: str, kind: str, *, config: dict[str, Any] | None = None,
                      rules: dict[str, Any] | None = None, secret: str = "",
                      open_rule: str = OpenRule.ALL) -> Channel:
    if kind == ChannelKind.WEBHOOK and not secret:
        secret = secrets.token_urlsafe(32)
    return Channel.objects.create(name=name, kind=kind, config=config or {},
                                  rules=rules or {}, secret=secret, open_rule=open_rule)


def channel_named(name: str, kind: str = ChannelKind.IMPORT) -> Channel:
    """The channel with this name, created with `kind` if there is none yet."""
    channel = Channel.objects.filter(name=name).first()
    return channel or do_create_channel(name, kind)


def community_channel() -> Channel:
    channel = Channel.objects.filter(kind=ChannelKind.COMMUNITY).first()
    return channel or do_create_channel(COMMUNITY_CHANNEL, ChannelKind.COMMUNITY,
                                        open_rule=OpenRule.ACTIONABLE)


def do_ingest_community_post(post_id: int) -> IngestResult:
    """Bring a community post into the stream. Posts in private spaces stay out: the
    stream and the inbox are seen by every agent, and a private space's posts are for
    its own people only (an employees' team room is not customer voice either)."""
    from fireside.community.models import Post, Visibility

    post = Post.objects.select_related("author", "thread__space").filter(pk=post_id).first()
    if post is None or post.is_deleted or post.is_hidden or \
            post.thread.space.visibility == Visibility.PRIVATE:
        return IngestResult()
    author = post.author
    outbound = author.is_staff_member or author.is_org
    # Every reply points at its thread's opening post: in care the thread is the
    # conversation, whichever post in it a reply quotes.
    parent = "" if post.is_opening else f"thread:{post.thread_id}"
    external = f"thread:{post.thread_id}" if post.is_opening else f"post:{post.pk}"
    text = f"{post.thread.title}\n\n{post.body_text}" if post.is_opening else post.body_text
    raw = RawMessage(external_id=external, author=author.username, text=text,
                     created_at=post.created_at, in_reply_to=parent,
                     author_name=author.name, outbound=outbound, user_id=author.pk,
                     url=f"/p/{post.pk}")
    return ingest_batch(community_channel(), [raw])
