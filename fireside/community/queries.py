"""Reads of community data, always scoped to what the viewer may see.

Every page and API handler that takes an id from outside goes through these helpers,
so that a private space's thread answers 404 to anyone who may not enter it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet
from django.http import Http404

from fireside.community.models import Post, Space, Thread, ThreadKind, Visibility
from fireside.people.models import User

Viewer = User | AnonymousUser


def _member(viewer: Viewer) -> User | None:
    if isinstance(viewer, User) and viewer.is_authenticated and viewer.is_active:
        return viewer
    return None


def visible_space_ids(viewer: Viewer) -> list[int]:
    """The ids of every space the viewer may enter; spaces are few, so one small query."""
    member = _member(viewer)
    spaces = Space.objects.values_list("id", "visibility", "allowed_kinds", "allowed_roles")
    if member is None:
        return [sid for sid, vis, _k, _r in spaces if vis == Visibility.PUBLIC]
    if member.is_superuser or member.role in ("admin", "community_manager"):
        return [sid for sid, _v, _k, _r in spaces]
    invited = set(member.invited_spaces.values_list("id", flat=True)) | set(
        member.moderated_spaces.values_list("id", flat=True)
    )
    return [
        sid
        for sid, vis, kinds, roles in spaces
        if vis != Visibility.PRIVATE
        or member.kind in (kinds or [])
        or (member.role and member.role in (roles or []))
        or sid in invited
    ]


def can_see_space(viewer: Viewer, space: Space) -> bool:
    member = _member(viewer)
    if space.visibility == Visibility.PUBLIC:
        return True
    if member is None:
        return False
    if space.visibility == Visibility.MEMBERS:
        return True
    if member.is_superuser or member.role in ("admin", "community_manager"):
        return True
    if member.kind in (space.allowed_kinds or []) or (
        member.role and member.role in (space.allowed_roles or [])
    ):
        return True
    return (
        space.members.filter(pk=member.pk).exists()
        or space.moderators.filter(pk=member.pk).exists()
    )


def can_moderate(viewer: Viewer, space: Space) -> bool:
    member = _member(viewer)
    if member is None:
        return False
    if member.is_global_moderator:
        return True
    return space.moderators.filter(pk=member.pk).exists()


def visible_spaces(viewer: Viewer) -> QuerySet[Space]:
    return Space.objects.filter(id__in=visible_space_ids(viewer)).order_by("position", "name")


def get_space(viewer: Viewer, slug: str) -> Space:
    space = Space.objects.filter(slug=slug).first()
    if space is None or not can_see_space(viewer, space):
        raise Http404("No such space.")
    return space


def get_thread(viewer: Viewer, thread_id: int) -> Thread:
    """The thread, if the viewer may see it: its space is visible and it is not removed
    (moderators of the space still see hidden and deleted threads)."""
    thread = Thread.objects.select_related("space", "author").filter(pk=thread_id).first()
    if thread is None or not can_see_space(viewer, thread.space):
        raise Http404("No such thread.")
    if not thread.is_visible_to_all and not can_moderate(viewer, thread.space):
        raise Http404("No such thread.")
    return thread


def get_post(viewer: Viewer, post_id: int) -> Post:
    post = Post.objects.select_related("thread__space", "author").filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    get_thread(viewer, post.thread_id)
    # Hidden posts are left out of thread pages for members, so they are left out here too.
    if (post.is_deleted or post.is_hidden) and not can_moderate(viewer, post.thread.space):
        raise Http404("No such post.")
    return post


def threads_in_space(viewer: Viewer, space: Space, moderator: bool = False) -> QuerySet[Thread]:
    threads = Thread.objects.filter(space=space)
    if not moderator:
        threads = threads.filter(is_hidden=False, is_deleted=False)
    return threads.select_related("author", "space").order_by(
        "-is_pinned", "-last_activity_at", "-id"
    )


def thread_posts(thread: Thread, moderator: bool = False) -> QuerySet[Post]:
    posts = thread.posts.select_related("author")
    if not moderator:
        posts = posts.filter(is_hidden=False)
    return posts.order_by("created_at", "id")


def recent_threads(viewer: Viewer, limit: int = 20) -> QuerySet[Thread]:
    # `space_id + 0` keeps the space index out of it: through that index SQLite would
    # fetch and sort every visible thread; without it, it walks `thread_recent` newest
    # first and stops after `limit` rows.
    space = ExpressionWrapper(F("space_id") + 0, output_field=BigIntegerField())
    return (
        Thread.objects.alias(space_ref=space)
        .filter(space_ref__in=visible_space_ids(viewer), is_hidden=False, is_deleted=False)
        .select_related("author", "space")
        .order_by("-last_activity_at", "-id")[:limit]
    )


def unanswered_questions(viewer: Viewer, space: Space | None = None) -> QuerySet[Thread]:
    """Questions nobody has replied to yet, oldest first: the care inbox takes these later."""
    threads = Thread.objects.filter(
        space_id__in=visible_space_ids(viewer), kind=ThreadKind.QUESTION, reply_count=0,
        is_hidden=False, is_deleted=False, is_locked=False,
    )
    if space is not None:
        threads = threads.filter(space=space)
    return threads.select_related("author", "space").order_by("created_at", "id")


def user_contributions(viewer: Viewer, author: User, limit: int = 30) -> QuerySet[Post]:
    """A member's posts that the viewer may see: a private space's posts stay out."""
    return (
        Post.objects.filter(
            author=author, is_hidden=False, is_deleted=False,
            thread__is_hidden=False, thread__is_deleted=False,
            thread__space_id__in=visible_space_ids(viewer),
        )
        .select_related("thread", "thread__space")
        .order_by("-created_at", "-id")[:limit]
    )


def viewer_reactions(viewer: Viewer, post_ids: list[int]) -> set[tuple[int, str]]:
    member = _member(viewer)
    if member is None or not post_ids:
        return set()
    from fireside.community.models import Reaction

    return set(
        Reaction.objects.filter(user=member, post_id__in=post_ids).values_list("post_id", "kind")
    )


def visible_notifications(viewer: User) -> QuerySet[Any]:
    """A member's notifications, without those from spaces they can no longer enter or
    about threads a moderator has since hidden or deleted."""
    return (
        viewer.notifications.filter(thread__space_id__in=visible_space_ids(viewer),
                                    thread__is_deleted=False, thread__is_hidden=False)
        .select_related("actor", "thread", "thread__space")
        .order_by("-created_at", "-id")
    )
