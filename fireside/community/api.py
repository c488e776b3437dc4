"""The community in the API: spaces, threads, posts, reactions, answers, follows,
notifications, search and moderation. Handlers parse, scope through `queries`, and call
one action, as the pages do."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from fireside import ratelimit
from fireside.api_auth import READ_AUTH
from fireside.community import actions, queries, search
from fireside.community.models import Notification, Post, Space, Thread
from fireside.errors import ActionError
from fireside.people.models import User

router = Router(tags=["community"])


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _member(request: HttpRequest) -> User:
    user = _viewer(request)
    if not isinstance(user, User):
        raise ActionError("Sign in to do that.")
    return user


class AuthorOut(Schema):
    handle: str
    display_name: str
    kind: str
    avatar_url: str | None

    @staticmethod
    def of(user: User) -> AuthorOut:
        return AuthorOut(handle=user.username, display_name=user.name, kind=user.kind,
                         avatar_url=user.avatar.url if user.avatar else None)


class SpaceOut(Schema):
    slug: str
    name: str
    purpose: str
    description: str
    visibility: str
    thread_count: int
    post_count: int
    last_activity_at: datetime | None
    attribution: str


class ThreadOut(Schema):
    id: int
    space: str
    kind: str
    title: str
    author: AuthorOut
    tags: list[str] = []
    reply_count: int
    accepted_post_id: int | None
    is_pinned: bool
    is_locked: bool
    created_at: datetime
    last_activity_at: datetime
    url: str

    @staticmethod
    def of(thread: Thread, tags: list[str] | None = None) -> ThreadOut:
        return ThreadOut(
            id=thread.pk, space=thread.space.slug, kind=thread.kind, title=thread.title,
            author=AuthorOut.of(thread.author), tags=tags or [], reply_count=thread.reply_count,
            accepted_post_id=thread.accepted_post_id, is_pinned=thread.is_pinned,
            is_locked=thread.is_locked, created_at=thread.created_at,
            last_activity_at=thread.last_activity_at, url=f"/t/{thread.pk}",
        )


class PostOut(Schema):
    id: int
    thread_id: int
    author: AuthorOut
    is_opening: bool
    reply_to_id: int | None
    body: str
    body_html: str
    like_count: int
    helpful_count: int
    is_hidden: bool
    is_deleted: bool
    delete_reason: str
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def of(post: Post) -> PostOut:
        removed = post.is_deleted
        return PostOut(
            id=post.pk, thread_id=post.thread_id, author=AuthorOut.of(post.author),
            is_opening=post.is_opening, reply_to_id=post.reply_to_id,
            body="" if removed else post.body, body_html="" if removed else post.body_html,
            like_count=post.like_count, helpful_count=post.helpful_count,
            is_hidden=post.is_hidden, is_deleted=post.is_deleted,
            delete_reason=post.delete_reason, created_at=post.created_at,
            edited_at=post.edited_at,
        )


class ThreadIn(Schema):
    title: str = Field(..., max_length=200)
    body: str
    kind: Literal["discussion", "question"] = "discussion"
    tags: list[str] = []


class ReplyIn(Schema):
    body: str
    reply_to_id: int | None = None


class EditIn(Schema):
    body: str
    title: str | None = None


class ReactionIn(Schema):
    kind: Literal["like", "helpful"]


class FlagIn(Schema):
    reason: str


class ModerateIn(Schema):
    action: str
    reason: str = ""
    space: str | None = Field(None, description="Target space slug when the action is 'move'.")


class RevisionOut(Schema):
    body: str
    title: str
    edited_by: str
    created_at: datetime


class NotificationOut(Schema):
    id: int
    kind: str
    actor: AuthorOut
    thread_id: int
    thread_title: str
    post_id: int | None
    text: str = ""
    url: str = ""
    created_at: datetime
    read: bool


class ReadIn(Schema):
    ids: list[int] | None = None


class HitOut(Schema):
    post_id: int
    thread_id: int
    thread_title: str
    space: str
    author: str
    snippet_html: str
    created_at: datetime
    url: str


class FlagOut(Schema):
    id: int
    post_id: int
    thread_id: int
    reason: str
    reporter: str
    created_at: datetime


# Spaces -------------------------------------------------------------------------------


@router.get("/spaces", response=list[SpaceOut], auth=READ_AUTH, summary="Spaces I may enter")
def list_spaces(request: HttpRequest) -> QuerySet[Space]:
    return queries.visible_spaces(_viewer(request))


@router.get("/spaces/{slug}", response=SpaceOut, auth=READ_AUTH)
def get_space(request: HttpRequest, slug: str) -> Space:
    return queries.get_space(_viewer(request), slug)


@router.get("/spaces/{slug}/threads", response=list[ThreadOut], auth=READ_AUTH)
@paginate(CursorPagination, ordering=("-last_activity_at", "-id"))
def space_threads(request: HttpRequest, slug: str) -> list[ThreadOut] | Any:
    space = queries.get_space(_viewer(request), slug)
    return _ThreadList(queries.threads_in_space(_viewer(request), space))


@router.post("/spaces/{slug}/threads", response={201: ThreadOut})
def create_thread(request: HttpRequest, slug: str, data: ThreadIn) -> Status[ThreadOut]:
    space = queries.get_space(_viewer(request), slug)
    ratelimit.hit("post", str(_member(request).pk))
    thread = actions.check_create_thread(_member(request), space, title=data.title,
                                         body=data.body, kind=data.kind, tags=data.tags)
    return Status(201, ThreadOut.of(thread, list(thread.tags.values_list("name", flat=True))))


@router.put("/spaces/{slug}/follow", response={204: None})
def follow_space(request: HttpRequest, slug: str) -> Status[None]:
    actions.do_follow(_member(request), space=queries.get_space(_viewer(request), slug))
    return Status(204, None)


@router.delete("/spaces/{slug}/follow", response={204: None})
def unfollow_space(request: HttpRequest, slug: str) -> Status[None]:
    actions.do_follow(_member(request), space=queries.get_space(_viewer(request), slug), on=False)
    return Status(204, None)


class _ThreadList:
    """A thread queryset that the cursor paginator slices, serialized with its tags."""

    def __init__(self, qs: QuerySet[Thread]) -> None:
        self.qs = qs

    def order_by(self, *fields: str) -> _ThreadList:
        return _ThreadList(self.qs.order_by(*fields))

    def filter(self, *args: Any, **kwargs: Any) -> _ThreadList:
        return _ThreadList(self.qs.filter(*args, **kwargs))

    def __getitem__(self, item: slice) -> list[ThreadOut]:
        threads = list(self.qs.prefetch_related("tags")[item])
        return [ThreadOut.of(t, [tag.name for tag in t.tags.all()]) for t in threads]


# Threads and posts --------------------------------------------------------------------


@router.get("/threads/{thread_id}", response=ThreadOut, auth=READ_AUTH)
def get_thread(request: HttpRequest, thread_id: int) -> ThreadOut:
    thread = queries.get_thread(_viewer(request), thread_id)
    return ThreadOut.of(thread, list(thread.tags.values_list("name", flat=True)))


@router.get("/threads/{thread_id}/posts", response=list[PostOut], auth=READ_AUTH)
@paginate(CursorPagination, ordering=("created_at", "id"))
def thread_posts(request: HttpRequest, thread_id: int) -> Any:
    viewer = _viewer(request)
    thread = queries.get_thread(viewer, thread_id)
    return _PostList(queries.thread_posts(thread, queries.can_moderate(viewer, thread.space)))


class _PostList:
    def __init__(self, qs: QuerySet[Post]) -> None:
        self.qs = qs

    def order_by(self, *fields: str) -> _PostList:
        return _PostList(self.qs.order_by(*fields))

    def filter(self, *args: Any, **kwargs: Any) -> _PostList:
        return _PostList(self.qs.filter(*args, **kwargs))

    def __getitem__(self, item: slice) -> list[PostOut]:
        return [PostOut.of(p) for p in self.qs[item]]


@router.post("/threads/{thread_id}/posts", response={201: PostOut})
def create_reply(request: HttpRequest, thread_id: int, data: ReplyIn) -> Status[PostOut]:
    thread = queries.get_thread(_viewer(request), thread_id)
    reply_to = queries.get_post(_viewer(request), data.reply_to_id) if data.reply_to_id else None
    ratelimit.hit("post", str(_member(request).pk))
    post = actions.check_reply(_member(request), thread, body=data.body, reply_to=reply_to)
    return Status(201, PostOut.of(post))


@router.post("/threads/{thread_id}/moderate", response=ThreadOut)
def moderate_thread(request: HttpRequest, thread_id: int, data: ModerateIn) -> ThreadOut:
    thread = queries.get_thread(_viewer(request), thread_id)
    if data.action == "move":
        target = queries.get_space(_viewer(request), data.space or "")
        thread = actions.check_move_thread(_member(request), thread, target, data.reason)
    else:
        thread = actions.check_moderate_thread(_member(request), thread, data.action, data.reason)
    return ThreadOut.of(thread)


@router.put("/threads/{thread_id}/follow", response={204: None})
def follow_thread(request: HttpRequest, thread_id: int) -> Status[None]:
    actions.do_follow(_member(request), thread=queries.get_thread(_viewer(request), thread_id))
    return Status(204, None)


@router.delete("/threads/{thread_id}/follow", response={204: None})
def unfollow_thread(request: HttpRequest, thread_id: int) -> Status[None]:
    actions.do_follow(_member(request), thread=queries.get_thread(_viewer(request), thread_id),
                      on=False)
    return Status(204, None)


@router.delete("/threads/{thread_id}/accepted", response=ThreadOut,
               summary="Withdraw the accepted answer")
def unaccept(request: HttpRequest, thread_id: int) -> ThreadOut:
    thread = queries.get_thread(_viewer(request), thread_id)
    return ThreadOut.of(actions.check_unaccept_answer(_member(request), thread))


@router.get("/posts/{post_id}", response=PostOut, auth=READ_AUTH)
def get_post(request: HttpRequest, post_id: int) -> PostOut:
    return PostOut.of(queries.get_post(_viewer(request), post_id))


@router.patch("/posts/{post_id}", response=PostOut, summary="Edit a post (history is kept)")
def edit_post(request: HttpRequest, post_id: int, data: EditIn) -> PostOut:
    post = queries.get_post(_viewer(request), post_id)
    return PostOut.of(actions.check_edit_post(_member(request), post, body=data.body,
                                              title=data.title))


@router.get("/posts/{post_id}/revisions", response=list[RevisionOut], auth=READ_AUTH)
def post_revisions(request: HttpRequest, post_id: int) -> list[RevisionOut]:
    post = queries.get_post(_viewer(request), post_id)
    return [RevisionOut(body=r.body, title=r.title, edited_by=r.edited_by.username,
                        created_at=r.created_at)
            for r in post.revisions.select_related("edited_by")]


@router.post("/posts/{post_id}/reactions", response=PostOut)
def react(request: HttpRequest, post_id: int, data: ReactionIn) -> PostOut:
    post = queries.get_post(_viewer(request), post_id)
    return PostOut.of(actions.check_react(_member(request), post, data.kind, on=True))


@router.delete("/posts/{post_id}/reactions/{kind}", response=PostOut)
def unreact(request: HttpRequest, post_id: int, kind: str) -> PostOut:
    post = queries.get_post(_viewer(request), post_id)
    return PostOut.of(actions.check_react(_member(request), post, kind, on=False))


@router.post("/posts/{post_id}/accept", response=ThreadOut, summary="Accept this answer")
def accept(request: HttpRequest, post_id: int) -> ThreadOut:
    post = queries.get_post(_viewer(request), post_id)
    return ThreadOut.of(actions.check_accept_answer(_member(request), post))


@router.post("/posts/{post_id}/flags", response={201: FlagOut})
def flag_post(request: HttpRequest, post_id: int, data: FlagIn) -> Status[FlagOut]:
    post = queries.get_post(_viewer(request), post_id)
    f = actions.check_flag(_member(request), post, data.reason)
    return Status(201, FlagOut(id=f.pk, post_id=post.pk, thread_id=post.thread_id, reason=f.reason,
                               reporter=f.reporter.username, created_at=f.created_at))


@router.post("/posts/{post_id}/moderate", response=PostOut)
def moderate_post(request: HttpRequest, post_id: int, data: ModerateIn) -> PostOut:
    post = queries.get_post(_viewer(request), post_id)
    return PostOut.of(actions.check_moderate_post(_member(request), post, data.action,
                                                  data.reason))


@router.get("/moderation/flags", response=list[FlagOut], summary="Open flags I can act on")
def moderation_flags(request: HttpRequest) -> list[FlagOut]:
    return [FlagOut(id=f.pk, post_id=f.post_id, thread_id=f.post.thread_id, reason=f.reason,
                    reporter=f.reporter.username, created_at=f.created_at)
            for f in actions.open_flags(_member(request))]


# Notifications, search, unanswered ----------------------------------------------------


@router.get("/notifications", response=list[NotificationOut])
@paginate(CursorPagination, ordering=("-created_at", "-id"))
def notifications(request: HttpRequest) -> Any:
    return _NotificationList(queries.visible_notifications(_member(request)))


class _NotificationList:
    def __init__(self, qs: QuerySet[Notification]) -> None:
        self.qs = qs

    def order_by(self, *fields: str) -> _NotificationList:
        return _NotificationList(self.qs.order_by(*fields))

    def filter(self, *args: Any, **kwargs: Any) -> _NotificationList:
        return _NotificationList(self.qs.filter(*args, **kwargs))

    def __getitem__(self, item: slice) -> list[NotificationOut]:
        return [NotificationOut(id=n.pk, kind=n.kind, actor=AuthorOut.of(n.actor),
                                thread_id=n.thread_id, thread_title=n.thread.title,
                                post_id=n.post_id, text=n.text,
                                url=n.url or f"/t/{n.thread_id}", created_at=n.created_at,
                                read=n.read_at is not None) for n in self.qs[item]]


@router.post("/notifications/read", response={200: dict})
def mark_read(request: HttpRequest, data: ReadIn) -> dict[str, int]:
    return {"marked": actions.do_mark_notifications_read(_member(request), data.ids)}


@router.get("/search", response=list[HitOut], auth=READ_AUTH)
def search_endpoint(request: HttpRequest, q: str, space: str | None = None,
                    limit: int = 20) -> list[HitOut]:
    if not q.strip():
        raise ActionError("Give the words to search for in `q`.")
    target = queries.get_space(_viewer(request), space) if space else None
    hits = search.search_posts(_viewer(request), q, space=target, limit=max(1, min(limit, 100)))
    return [HitOut(post_id=h.post_id, thread_id=h.thread_id, thread_title=h.thread_title,
                   space=h.space_slug, author=h.author_name, snippet_html=str(h.snippet),
                   created_at=h.created_at, url=f"/t/{h.thread_id}#post-{h.post_id}")
            for h in hits]


@router.get("/questions/unanswered", response=list[ThreadOut], auth=READ_AUTH)
@paginate(CursorPagination, ordering=("created_at", "id"))
def unanswered(request: HttpRequest) -> Any:
    return _ThreadList(queries.unanswered_questions(_viewer(request)))
