"""Connectors that post replies back where the customer wrote.

The community connector posts the reply in the thread; Mastodon and Bluesky post it as a
reply to the customer's post and rename the message after the id the server gave it, so
the poll that later reads it back drops it as a duplicate. E-mail replies go out over
SMTP, named after their Message-ID.

`deliver` answers True once the reply is out, False when there is nothing to post (it is
recorded as answered elsewhere); it raises PollError when the remote side failed (worth
retrying) and DeliveryRefused when posting can never work. care.delivery records the
outcome on the message and retries.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from fireside.listening.models import ChannelKind, Message

log = logging.getLogger("fireside.listening")


class DeliveryRefused(Exception):
    """The reply cannot be posted however often it is tried (its thread is gone, say)."""


def deliver(message_id: int) -> bool:
    message = Message.objects.select_related("channel", "agent").filter(pk=message_id).first()
    if message is None:
        return False
    if message.agent is None:
        raise DeliveryRefused("the agent who wrote it no longer exists")
    if message.channel.config.get("simulated"):
        return True  # the demo's simulated channels: nowhere to post, nothing to record
    if message.channel.kind == ChannelKind.COMMUNITY:
        from fireside.community import actions as community
        from fireside.community.models import Thread

        parent = message.in_reply_to or ""
        thread_id = None
        if parent.startswith("thread:"):
            thread_id = int(parent.split(":")[1])
        elif parent.startswith("post:"):
            from fireside.community.models import Post

            thread_id = Post.objects.filter(pk=int(parent.split(":")[1])).values_list(
                "thread_id", flat=True).first()
        thread = Thread.objects.filter(pk=thread_id).first() if thread_id else None
        if thread is None:
            raise DeliveryRefused("the community thread it answers no longer exists")
        with transaction.atomic():
            post = community.do_reply(message.agent, thread, body=message.text)
            # The new post comes back through the stream as "post:<id>" once this commits;
            # naming the reply after it makes that a duplicate, dropped, not a second message.
            Message.objects.filter(pk=message.pk).update(external_id=f"post:{post.pk}",
                                                         url=f"/p/{post.pk}")
        return True
    if message.channel.kind in (ChannelKind.MASTODON, ChannelKind.BLUESKY, ChannelKind.IMAP):
        return _post_remote(message)
    log.info("connector %s cannot post yet; message %s answered elsewhere",
             message.channel.kind, message.pk)
    Message.objects.filter(pk=message.pk).update(sent_elsewhere=True)
    return False


def _post_remote(message: Message) -> bool:
    from fireside.listening import bluesky, imap, mastodon
    from fireside.listening.poll import PollError

    poster = {ChannelKind.MASTODON: mastodon, ChannelKind.BLUESKY: bluesky,
              ChannelKind.IMAP: imap}[ChannelKind(message.channel.kind)]
    if not message.external_id.startswith("fireside:"):
        return True  # renamed after its remote id: posted already
    if not poster.is_configured(message.channel):
        log.info("channel %s has no account to post with; message %s answered elsewhere",
                 message.channel, message.pk)
        Message.objects.filter(pk=message.pk).update(sent_elsewhere=True)
        return False
    try:
        external_id, url = poster.post_reply(message)
    except PollError:
        # Raising lets the task backend record the failure; the message stays unsent.
        log.exception("posting reply %s to %s failed", message.pk, message.channel)
        raise
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a clash
            Message.objects.filter(pk=message.pk).update(external_id=external_id,
                                                         url=url[:500])
    except IntegrityError:
        # A poll read the new post back first: that copy is the same post.
        log.warning("reply %s was read back before it was renamed to %s", message.pk,
                    external_id)
    return True
