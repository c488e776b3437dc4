"""Every write to the community goes through here.

`check_*` functions validate untrusted input and permissions, then call the matching
`do_*`, which writes, keeps the counters true and fires the side effects (follows,
notifications, e-mail after commit). Importers and the demo call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from fireside.community import markup, tasks
from fireside.community.models import (
    Flag,
    Follow,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Space,
    Tag,
    Thread,
    ThreadKind,
    Visibility,
)
from fireside.community.queries import can_moderate, can_see_space, visible_space_ids
from fireside.errors import ActionError, Conflict, Forbidden, NotFound
from fireside.people.models import User

MAX_BODY = 50_000
MAX_TAGS = 5


@dataclass(frozen=True)
class Rendered:
    body_html: str
    body_text: str
    mentioned: list[User]


def render_body(body: str, body_format: str = "markdown") -> Rendered:
    """Safe HTML and plain text for a body: Markdown is rendered, imported HTML is kept
    (both end sanitized); @handles of active members become links and are notified."""
    handles = markup.mentioned_handles(body)
    mentioned = list(User.objects.filter(username__in=handles, is_active=True)) if handles else []
    if body_format == "html":
        body_html = markup.sanitize_html(body)
    else:
        body_html = markup.render_markdown(body, {u.username for u in mentioned})
    return Rendered(body_html, markup.html_to_text(body_html), mentioned)


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ActionError("Write something before posting.")
    if len(body) > MAX_BODY:
        raise ActionError(f"A post can be at most {MAX_BODY:,} characters long.")
    return body


def _clean_title(title: str) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < 3:
        raise ActionError("Give the thread a title of at least 3 characters.")
    if len(title) > 200:
        raise ActionError("A title can be at most 200 characters long.")
    return title


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        name = "-".join(str(tag).strip().lower().split())[:50]
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ActionError(f"Use at most {MAX_TAGS} tags.")
    return cleaned


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise Forbidden("Sign in to take part.")
    if not user.email_verified and not user.is_staff_member:
        raise Forbidden("Verify your e-mail address before posting.")


def _require_space(user: User, space: Space) -> None:
    if not can_see_space(user, space):
        raise NotFound("No such space.")


def _require_moderator(user: User, space: Space) -> None:
    if not can_moderate(user, space):
        raise Forbidden("Only a moderator of this space can do that.")


# A possible recipient: (id, is_active, is_superuser, role, kind), all the rule below needs.
_Person = tuple[int, bool, bool, str, str]
_PERSON_FIELDS = ("id", "is_active", "is_superuser", "role", "kind")


def _person(user: User) -> _Person:
    return (user.id, user.is_active, user.is_superuser, user.role, user.kind)


def _may_enter(space: Space, people: list[_Person]) -> list[_Person]:
    """The people among `people` who may enter `space`, without a query per person."""
    people = [p for p in people if p[1]]
    if space.visibility == Visibility.PUBLIC or space.visibility == Visibility.MEMBERS:
        return people
    invited = set(space.members.values_list("id", flat=True)) | set(
        space.moderators.values_list("id", flat=True)
    )
    kinds, roles = set(space.allowed_kinds or []), set(space.allowed_roles or [])
    return [
        p for p in people
        if p[2] or p[3] in ("admin", "community_manager") or p[4] in kinds
        or (p[3] and p[3] in roles) or p[0] in invited
    ]


def who_can_see(space: Space, users: Iterable[User]) -> list[User]:
    """The users among `users` who may enter `space`, without a query per user."""
    users = list(users)
    allowed = {p[0] for p in _may_enter(space, [_person(u) for u in users])}
    return [u for u in users if u.id in allowed]


def _recipients(thread: Thread, actor: User, recipients: Iterable[User]) -> list[int]:
    """The ids of the recipients who may see the thread, the actor never, each once."""
    # A busy thread has a hundred followers or more: reading only the fields the rule needs
    # takes a quarter less time than reading members.
    people = (list(recipients.values_list(*_PERSON_FIELDS)) if isinstance(recipients, QuerySet)
              else [_person(u) for u in recipients])
    return list(dict.fromkeys(p[0] for p in _may_enter(thread.space, people)
                              if p[0] != actor.id))


def _notify(kind: str, actor: User, thread: Thread, post: Post | None,
            recipients: Iterable[User]) -> list[Notification]:
    """Notify the recipients who may see the thread; e-mails go out after commit."""
    created = Notification.objects.bulk_create([
        Notification(recipient_id=i, actor=actor, kind=kind, thread=thread, post=post)
        for i in _recipients(thread, actor, recipients)
    ])
    if created and created[0].pk is not None:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: tasks.email_notifications.enqueue(ids))
    return created


_NOTIFICATION_COLUMNS = ("recipient_id", "actor_id", "kind", "thread_id", "post_id", "text",
                         "url", "created_at")


def _notify_of_post(kinds: list[tuple[str, Iterable[User]]], actor: User, thread: Thread,
                    post: Post) -> int:
    """Notify of a new post, each recipient once under the first kind that names them, in
    one INSERT: a reply in a busy thread notifies a hundred followers, and building a
    hundred model instances took longer than the rest of posting. No ids come back; the
    post's task finds its notifications to e-mail by the post. Returns how many."""
    seen: set[int] = set()
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for kind, recipients in kinds:
        for recipient_id in _recipients(thread, actor, recipients):
            if recipient_id not in seen:
                seen.add(recipient_id)
                rows.append((recipient_id, actor.pk, kind, thread.pk, post.pk, "", "",
                             created_at))
    if rows:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in _NOTIFICATION_COLUMNS)
        marks = ", ".join(["%s"] * len(_NOTIFICATION_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {qn(Notification._meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES ({marks})", rows)
    return len(rows)


def _after_post(post: Post) -> None:
    """One task after commit for all that follows a new post (see tasks.after_post)."""
    post_id = post.pk
    transaction.on_commit(lambda: tasks.after_post.enqueue(post_id))


def _analyze_after_commit(post: Post) -> None:
    """Signals are read by a background batch within seconds, off the posting path."""
    post_id = post.pk
    transaction.on_commit(lambda: tasks.analyze_posts.enqueue([post_id]))


def _follow_thread(user: User, thread: Thread) -> None:
    Follow.objects.bulk_create([Follow(user=user, thread=thread)], ignore_conflicts=True)


# Threads and posts -------------------------------------------------------------------


def check_create_thread(user: User, space: Space, *, title: str, body: str,
                        kind: str = ThreadKind.DISCUSSION, tags: Iterable[str] = ()) -> Thread:
    _require_member(user)
    _require_space(user, space)
    if kind not in ThreadKind.values:
        raise ActionError("A thread is either a discussion or a question.")
    return do_create_thread(user, space, title=_clean_title(title), body=_clean_body(body),
                            kind=kind, tags=clean_tags(tags))


@transaction.atomic
def do_create_thread(author: User, space: Space, *, title: str, body: str,
                     kind: str = ThreadKind.DISCUSSION, tags: Iterable[str] = (),
                     notify: bool = True) -> Thread:
    now = timezone.now()
    thread = Thread.objects.create(space=space, kind=kind, title=title, author=author,
                                   created_at=now, last_activity_at=now)
    tag_names = list(tags)
    if tag_names:
        Tag.objects.bulk_create([Tag(name=n) for n in tag_names], ignore_conflicts=True)
        thread.tags.set(Tag.objects.filter(name__in=tag_names))
    rendered = render_body(body)
    post = Post.objects.create(thread=thread, author=author, is_opening=True, body=body,
                               body_html=rendered.body_html, body_text=rendered.body_text,
                               created_at=now)
    Space.objects.filter(pk=space.pk).update(thread_count=F("thread_count") + 1,
                                             post_count=F("post_count") + 1, last_activity_at=now)
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    _follow_thread(author, thread)
    if notify:
        mentioned_ids = {u.id for u in rendered.mentioned}
        space_followers = User.objects.filter(follows__space=space).exclude(id__in=mentioned_ids)
        _notify_of_post([(NotificationKind.MENTION, rendered.mentioned),
                         (NotificationKind.NEW_THREAD, space_followers)], author, thread, post)
    _after_post(post)
    return thread


def check_reply(user: User, thread: Thread, *, body: str, reply_to: Post | None = None) -> Post:
    _require_member(user)
    _require_space(user, thread.space)
    if thread.is_deleted or thread.is_hidden:
        raise NotFound("No such thread.")
    if thread.is_locked and not can_moderate(user, thread.space):
        raise Forbidden("This thread is locked: no new replies.")
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ActionError("You can only reply to a post in the same thread.")
    return do_reply(user, thread, body=_clean_body(body), reply_to=reply_to)


@transaction.atomic
def do_reply(author: User, thread: Thread, *, body: str, reply_to: Post | None = None,
             notify: bool = True) -> Post:
    now = timezone.now()
    rendered = render_body(body)
    post = Post.objects.create(thread=thread, author=author, reply_to=reply_to, body=body,
                               body_html=rendered.body_html, body_text=rendered.body_text,
                               created_at=now)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1,
                                               last_activity_at=now)
    Space.objects.filter(pk=thread.space_id).update(post_count=F("post_count") + 1,
                                                    last_activity_at=now)
    User.objects.filter(pk=author.pk).update(post_count=F("post_count") + 1)
    thread.reply_count += 1
    thread.last_activity_at = now
    if notify:
        mentioned_ids = {u.id for u in rendered.mentioned}
        followers = User.objects.filter(follows__thread=thread).exclude(id__in=mentioned_ids)
        _notify_of_post([(NotificationKind.MENTION, rendered.mentioned),
                         (NotificationKind.REPLY, followers)], author, thread, post)
    _follow_thread(author, thread)
    _after_post(post)
    return post


def check_edit_post(user: User, post: Post, *, body: str, title: str | None = None) -> Post:
    _require_member(user)
    space = post.thread.space
    if post.author_id != user.pk and not can_moderate(user, space):
        raise Forbidden("You can only edit your own posts.")
    if post.is_deleted:
        raise ActionError("A deleted post cannot be edited.")
    clean_title = _clean_title(title) if (title is not None and post.is_opening) else None
    return do_edit_post(user, post, body=_clean_body(body), title=clean_title)


@transaction.atomic
def do_edit_post(editor: User, post: Post, *, body: str, title: str | None = None) -> Post:
    thread = post.thread
    old_title = thread.title if post.is_opening else ""
    PostRevision.objects.create(post=post, body=post.body, title=old_title, edited_by=editor)
    rendered = render_body(body, post.body_format)
    if post.body_format == "html":
        body = rendered.body_html  # keep only what survives sanitizing, as the import did
    post.body, post.body_html, post.body_text = body, rendered.body_html, rendered.body_text
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "body_text", "edited_at"])
    _analyze_after_commit(post)
    if title is not None and title != thread.title:
        thread.title = title
        thread.save(update_fields=["title"])
    return post


# Reactions, answers, follows ----------------------------------------------------------


def check_react(user: User, post: Post, kind: str, on: bool = True) -> Post:
    _require_member(user)
    _require_space(user, post.thread.space)
    if kind not in ReactionKind.values:
        raise ActionError("Unknown reaction.")
    if post.author_id == user.pk:
        raise Forbidden("You cannot react to your own post.")
    return do_react(user, post, kind, on)


@transaction.atomic
def do_react(user: User, post: Post, kind: str, on: bool = True) -> Post:
    counter = "like_count" if kind == ReactionKind.LIKE else "helpful_count"
    if on:
        _, created = Reaction.objects.get_or_create(post=post, user=user, kind=kind)
        delta = 1 if created else 0
    else:
        deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        delta = -deleted
    if delta:
        Post.objects.filter(pk=post.pk).update(**{counter: F(counter) + delta})
        setattr(post, counter, getattr(post, counter) + delta)
    if delta > 0 and kind == ReactionKind.HELPFUL:
        from fireside.rewards.actions import on_event

        on_event("helpful_reaction", post.author_id, key=f"helpful:post:{post.pk}:by:{user.pk}",
                 space_id=post.thread.space_id, reason=f"Marked helpful by @{user.username}")
    return post


def check_accept_answer(user: User, post: Post) -> Thread:
    _require_member(user)
    thread = post.thread
    _require_space(user, thread.space)
    if not thread.is_question:
        raise ActionError("Only a question can have an accepted answer.")
    if post.is_opening:
        raise ActionError("The question itself cannot be its answer.")
    if post.is_deleted or post.is_hidden:
        raise ActionError("A removed post cannot be the accepted answer.")
    if thread.author_id != user.pk and not can_moderate(user, thread.space):
        raise Forbidden("Only the person who asked, or a moderator, can accept an answer.")
    return do_accept_answer(user, post)


@transaction.atomic
def do_accept_answer(actor: User, post: Post, notify: bool = True) -> Thread:
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if thread.accepted_post_id == post.pk:
        return thread
    if thread.accepted_post_id is not None:
        old_author = Post.objects.filter(pk=thread.accepted_post_id).values_list("author_id",
                                                                                 flat=True)
        User.objects.filter(pk__in=old_author).update(accepted_count=F("accepted_count") - 1)
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    User.objects.filter(pk=post.author_id).update(accepted_count=F("accepted_count") + 1)
    if notify:
        _notify(NotificationKind.ACCEPTED, actor, thread, post, [post.author])
    if post.author_id != thread.author_id:
        from fireside.rewards.actions import on_event

        on_event("accepted_answer", post.author_id, key=f"accepted:post:{post.pk}",
                 space_id=thread.space_id, reason=f"Answer accepted in “{thread.title[:120]}”")
    return thread


def check_unaccept_answer(user: User, thread: Thread) -> Thread:
    _require_member(user)
    if thread.author_id != user.pk and not can_moderate(user, thread.space):
        raise Forbidden("Only the person who asked, or a moderator, can change the answer.")
    with transaction.atomic():
        if thread.accepted_post_id is not None:
            author_id = Post.objects.filter(pk=thread.accepted_post_id).values_list(
                "author_id", flat=True)
            User.objects.filter(pk__in=author_id).update(accepted_count=F("accepted_count") - 1)
            thread.accepted_post = None
            thread.save(update_fields=["accepted_post"])
    return thread


def do_follow(user: User, *, thread: Thread | None = None, space: Space | None = None,
              on: bool = True) -> None:
    if not user.is_authenticated:
        raise Forbidden("Sign in to follow.")
    target_space = thread.space if thread is not None else space
    if target_space is None or not can_see_space(user, target_space):
        raise NotFound("Nothing to follow here.")
    if on:
        Follow.objects.bulk_create([Follow(user=user, thread=thread, space=space)],
                                   ignore_conflicts=True)
    else:
        Follow.objects.filter(user=user, thread=thread, space=space).delete()


def is_following(user: User, *, thread: Thread | None = None, space: Space | None = None) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, thread=thread, space=space).exists()


def do_mark_notifications_read(user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=list(ids))
    return unread.update(read_at=timezone.now())


# Moderation ---------------------------------------------------------------------------


def check_flag(user: User, post: Post, reason: str) -> Flag:
    _require_member(user)
    _require_space(user, post.thread.space)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ActionError("Say why this post should be looked at.")
    if Flag.objects.filter(post=post, reporter=user, resolved_at__isnull=True).exists():
        raise Conflict("You have already flagged this post; a moderator will look at it.")
    return Flag.objects.create(post=post, reporter=user, reason=reason)


def _log(actor: User, action: str, reason: str, *, thread: Thread | None = None,
         post: Post | None = None) -> None:
    ModerationAction.objects.create(actor=actor, action=action, reason=reason[:300],
                                    thread=thread, post=post)


def _resolve_flags(actor: User, post: Post, resolution: str) -> None:
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution=resolution[:300])


POST_ACTIONS = {"hide", "unhide", "delete", "dismiss"}
THREAD_ACTIONS = {"lock", "unlock", "pin", "unpin", "hide", "unhide", "delete", "restore"}


@transaction.atomic
def check_moderate_post(user: User, post: Post, action: str, reason: str = "") -> Post:
    _require_moderator(user, post.thread.space)
    reason = " ".join((reason or "").split())
    if action not in POST_ACTIONS:
        raise ActionError(f"Unknown action: {action}.")
    if action == "delete" and not reason:
        raise ActionError("Give a reason for deleting; the author will see it.")
    if post.is_opening and action in ("delete", "hide"):
        raise ActionError("To remove the opening post, hide or delete the whole thread.")
    if action in ("hide", "unhide") and post.is_hidden != (action == "hide"):
        post.is_hidden = action == "hide"
        # reply_count counts what readers see: the thread page pages by it, and the lists
        # and the unanswered questions show it.
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=F("reply_count") + (-1 if post.is_hidden else 1))
    elif action == "delete":
        post.is_deleted, post.delete_reason = True, reason
        if post.thread.accepted_post_id == post.pk:
            check_unaccept_answer(user, post.thread)
    post.save(update_fields=["is_hidden", "is_deleted", "delete_reason"])
    _resolve_flags(user, post, f"{action}: {reason}" if reason else action)
    _log(user, f"post_{action}", reason, thread=post.thread, post=post)
    return post


@transaction.atomic
def check_moderate_thread(user: User, thread: Thread, action: str, reason: str = "") -> Thread:
    _require_moderator(user, thread.space)
    reason = " ".join((reason or "").split())
    if action not in THREAD_ACTIONS:
        raise ActionError(f"Unknown action: {action}.")
    if action == "delete" and not reason:
        raise ActionError("Give a reason for deleting; the author will see it.")
    field, value = {
        "lock": ("is_locked", True), "unlock": ("is_locked", False),
        "pin": ("is_pinned", True), "unpin": ("is_pinned", False),
        "hide": ("is_hidden", True), "unhide": ("is_hidden", False),
        "delete": ("is_deleted", True), "restore": ("is_deleted", False),
    }[action]
    was_visible = thread.is_visible_to_all
    setattr(thread, field, value)
    update = [field]
    if action in ("delete", "restore"):
        thread.delete_reason = reason if action == "delete" else ""
        update.append("delete_reason")
    thread.save(update_fields=update)
    if was_visible != thread.is_visible_to_all:
        # The space's counters count what members see: the thread and all its posts.
        sign = 1 if thread.is_visible_to_all else -1
        Space.objects.filter(pk=thread.space_id).update(
            thread_count=F("thread_count") + sign,
            post_count=F("post_count") + sign * (thread.reply_count + 1))
    _log(user, f"thread_{action}", reason, thread=thread)
    return thread


@transaction.atomic
def check_move_thread(user: User, thread: Thread, target: Space, reason: str = "") -> Thread:
    _require_moderator(user, thread.space)
    _require_moderator(user, target)
    if target.pk == thread.space_id:
        raise ActionError("The thread is already in that space.")
    if thread.is_visible_to_all:  # a hidden thread's posts are already out of the counts
        posts = thread.reply_count + 1
        Space.objects.filter(pk=thread.space_id).update(thread_count=F("thread_count") - 1,
                                                        post_count=F("post_count") - posts)
        Space.objects.filter(pk=target.pk).update(thread_count=F("thread_count") + 1,
                                                  post_count=F("post_count") + posts)
    source = thread.space
    thread.space = target
    thread.save(update_fields=["space"])
    _log(user, "thread_move", reason or f"moved from {source.name} to {target.name}",
         thread=thread)
    return thread


def open_flags(user: User) -> list[Flag]:
    """Open flags on posts in the spaces this moderator looks after, oldest first."""
    # A global moderator is not thereby a member of private spaces: their flags stay out.
    flags = Flag.objects.filter(resolved_at__isnull=True,
                                post__thread__space_id__in=visible_space_ids(user)).select_related(
        "post__thread__space", "post__author", "reporter").order_by("created_at")
    if not user.is_global_moderator:
        flags = flags.filter(post__thread__space__moderators=user)
    return list(flags[:200])
