"""Community pages: thin views that parse, authorize through queries, call one action."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fireside import ratelimit
from fireside.community import actions, queries, search
from fireside.community.models import Post, PostRevision, Space, Thread, ThreadKind
from fireside.measure.middleware import SPACE_ATTRIBUTE
from fireside.people.models import User
from fireside.web import action_errors, back, is_htmx

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 100


def _member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def home(request: HttpRequest) -> HttpResponse:
    spaces = list(queries.visible_spaces(request.user))
    return render(request, "community/home.html", {
        "spaces": spaces,
        "recent": list(queries.recent_threads(request.user, limit=15)),
        "unanswered": list(queries.unanswered_questions(request.user)[:5]),
    })


def _parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    if not raw:
        return None
    try:
        stamp, ident = raw.rsplit("_", 1)
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        return None


def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = queries.get_space(request.user, slug)
    moderator = queries.can_moderate(request.user, space)
    threads = queries.threads_in_space(request.user, space, moderator=moderator)
    cursor = _parse_cursor(request.GET.get("after"))
    pinned: list[Thread] = []
    if cursor is None:
        pinned = list(threads.filter(is_pinned=True)[:10])
        page_qs = threads.filter(is_pinned=False)
    else:
        stamp, ident = cursor
        page_qs = threads.filter(is_pinned=False).filter(last_activity_at__lt=stamp) | \
            threads.filter(is_pinned=False, last_activity_at=stamp, id__lt=ident)
    page = list(page_qs.order_by("-last_activity_at", "-id")[: THREADS_PER_PAGE + 1])
    next_cursor = None
    if len(page) > THREADS_PER_PAGE:
        page = page[:THREADS_PER_PAGE]
        last = page[-1]
        next_cursor = f"{last.last_activity_at.isoformat()}_{last.pk}"
    return render(request, "community/space.html", {
        "space": space, "pinned": pinned, "threads": page, "next_cursor": next_cursor,
        "moderator": moderator, "paged": cursor is not None,
        "following": actions.is_following(request.user, space=space),  # type: ignore[arg-type]
    })


@login_required
@action_errors
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    space = queries.get_space(request.user, slug)
    kind = request.GET.get("kind", ThreadKind.QUESTION)
    form = {"title": "", "body": "", "kind": kind, "tags": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("title", "body", "kind", "tags")}
        try:
            ratelimit.hit("post", str(request.user.pk))
            thread = actions.check_create_thread(
                _member(request), space, title=form["title"], body=form["body"],
                kind=form["kind"], tags=form["tags"].split(","),
            )
        except actions.ActionError as error:
            return render(request, "community/thread_new.html",
                          {"space": space, "form": form, "error": error.detail},
                          status=error.status)
        return redirect("thread", thread_id=thread.pk)
    return render(request, "community/thread_new.html", {"space": space, "form": form})


# What a thread page shows of its posts and their authors: not the Markdown source, the
# plain text or the authors' profiles, which would triple what a page of 100 posts reads.
POST_COLUMNS = ("id", "thread_id", "author_id", "reply_to_id", "is_opening", "body_html",
                "like_count", "helpful_count", "is_hidden", "is_deleted", "delete_reason",
                "created_at", "edited_at", "author__id", "author__username",
                "author__display_name", "author__avatar", "author__kind", "author__role",
                "author__title")


def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = queries.get_thread(request.user, thread_id)
    setattr(request, SPACE_ATTRIBUTE, thread.space_id)  # the view counter needs no lookup
    moderator = queries.can_moderate(request.user, thread.space)
    paginator = Paginator(queries.thread_posts(thread, moderator=moderator).only(*POST_COLUMNS),
                          POSTS_PER_PAGE,
                          allow_empty_first_page=True)
    # The opening post plus the replies; counting replies comes from the thread row.
    paginator.count = thread.reply_count + 1 if not moderator else paginator.count
    page = paginator.get_page(request.GET.get("page"))
    posts = list(page.object_list)
    reacted = queries.viewer_reactions(request.user, [p.pk for p in posts])
    for post in posts:
        post.viewer_like = (post.pk, "like") in reacted
        post.viewer_helpful = (post.pk, "helpful") in reacted
    user = request.user
    return render(request, "community/thread.html", {
        "thread": thread, "space": thread.space, "posts": posts, "page": page,
        "moderator": moderator,
        "tags": list(thread.tags.values_list("name", flat=True)),
        "can_accept": thread.is_question and user.is_authenticated
        and (thread.author_id == user.pk or moderator),
        "following": actions.is_following(user, thread=thread),  # type: ignore[arg-type]
        "spaces_for_move": list(queries.visible_spaces(user)) if moderator else [],
    })


@login_required
@require_POST
@action_errors
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = queries.get_thread(request.user, thread_id)
    reply_to = None
    if reply_to_id := request.POST.get("reply_to", ""):
        if not reply_to_id.isdigit():
            raise Http404("No such post.")
        reply_to = queries.get_post(request.user, int(reply_to_id))
    ratelimit.hit("post", str(request.user.pk))
    post = actions.check_reply(_member(request), thread, body=request.POST.get("body", ""),
                               reply_to=reply_to)
    last_page = (thread.reply_count) // POSTS_PER_PAGE + 1
    url = reverse("thread", args=[thread.pk])
    if last_page > 1:
        url += f"?page={last_page}"
    return HttpResponseRedirect(f"{url}#post-{post.pk}")


@login_required
@action_errors
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    if request.method == "POST":
        actions.check_edit_post(_member(request), post, body=request.POST.get("body", ""),
                                title=request.POST.get("title"))
        messages.success(request, "Saved. The earlier version is kept in the edit history.")
        return HttpResponseRedirect(reverse("thread", args=[post.thread_id]) + f"#post-{post.pk}")
    if post.author_id != request.user.pk and not queries.can_moderate(request.user,
                                                                      post.thread.space):
        raise Http404
    return render(request, "community/post_edit.html", {"post": post, "thread": post.thread})


def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    revisions = PostRevision.objects.filter(post=post).select_related("edited_by")
    return render(request, "community/post_history.html",
                  {"post": post, "thread": post.thread, "revisions": revisions})


@login_required
@require_POST
@action_errors
def react(request: HttpRequest, post_id: int, kind: str) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    on = request.POST.get("on", "1") == "1"
    actions.check_react(_member(request), post, kind, on=on)
    if is_htmx(request):
        reacted = queries.viewer_reactions(request.user, [post.pk])
        post.viewer_like = (post.pk, "like") in reacted  # type: ignore[attr-defined]
        post.viewer_helpful = (post.pk, "helpful") in reacted  # type: ignore[attr-defined]
        return render(request, "community/_reactions.html", {"post": post})
    return back(request)


@login_required
@require_POST
@action_errors
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    if request.POST.get("undo"):
        actions.check_unaccept_answer(_member(request), post.thread)
    else:
        actions.check_accept_answer(_member(request), post)
        messages.success(request, "Marked as the accepted answer. Thank you for closing the loop.")
        # No anchor: the message at the top says what happened; the answer is highlighted.
        return HttpResponseRedirect(reverse("thread", args=[post.thread_id]))
    return HttpResponseRedirect(reverse("thread", args=[post.thread_id]) + f"#post-{post.pk}")


@login_required
@require_POST
@action_errors
def follow(request: HttpRequest, target: str, ident: str) -> HttpResponse:
    on = request.POST.get("on", "1") == "1"
    if target == "thread":
        if not ident.isdigit():
            raise Http404("No such thread.")
        thread = queries.get_thread(request.user, int(ident))
        actions.do_follow(_member(request), thread=thread, on=on)
    else:
        space = queries.get_space(request.user, ident)
        actions.do_follow(_member(request), space=space, on=on)
    if is_htmx(request):
        return render(request, "community/_follow.html",
                      {"target": target, "ident": ident, "following": on})
    return back(request)


@login_required
@require_POST
@action_errors
def flag(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    actions.check_flag(_member(request), post, request.POST.get("reason", ""))
    messages.success(request, "Thank you. A moderator will look at this post.")
    return HttpResponseRedirect(reverse("thread", args=[post.thread_id]) + f"#post-{post.pk}")


@login_required
@require_POST
@action_errors
def moderate_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(request.user, post_id)
    actions.check_moderate_post(_member(request), post, request.POST.get("action", ""),
                                request.POST.get("reason", ""))
    messages.success(request, "Done.")
    return back(request, reverse("thread", args=[post.thread_id]))


@login_required
@require_POST
@action_errors
def moderate_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = queries.get_thread(request.user, thread_id)
    action = request.POST.get("action", "")
    if action == "move":
        target = queries.get_space(request.user, request.POST.get("space", ""))
        actions.check_move_thread(_member(request), thread, target, request.POST.get("reason", ""))
    else:
        actions.check_moderate_thread(_member(request), thread, action,
                                      request.POST.get("reason", ""))
    messages.success(request, "Done.")
    if action == "delete":
        return redirect("space", slug=thread.space.slug)
    return redirect("thread", thread_id=thread.pk)


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if not (user.is_global_moderator or user.moderated_spaces.exists()):
        raise Http404
    return render(request, "community/moderation.html", {"flags": actions.open_flags(user)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method == "POST":
        actions.do_mark_notifications_read(user)
        return redirect("notifications")
    items = list(queries.visible_notifications(user)[:100])
    return render(request, "community/notifications.html", {"items": items})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    user = _member(request)
    n = queries.visible_notifications(user).filter(pk=notification_id).first()
    if n is None:
        raise Http404
    actions.do_mark_notifications_read(user, [n.pk])
    if n.url.startswith("/"):  # worded by another app, linking to its own page
        return HttpResponseRedirect(n.url)
    url = reverse("thread", args=[n.thread_id])
    return HttpResponseRedirect(f"{url}#post-{n.post_id}" if n.post_id else url)


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    space_slug = request.GET.get("space", "")
    space = queries.get_space(request.user, space_slug) if space_slug else None
    results = search.search_posts(request.user, query, space=space, limit=30) if query else []
    return render(request, "community/search.html",
                  {"query": query, "results": results, "space": space})


def unanswered(request: HttpRequest) -> HttpResponse:
    threads = queries.unanswered_questions(request.user)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/unanswered.html", {"page": page})


def about(request: HttpRequest) -> HttpResponse:
    attributed = [s for s in queries.visible_spaces(request.user) if s.attribution]
    return render(request, "community/about.html", {"attributed": attributed})


def space_redirect(request: HttpRequest, space_id: int) -> HttpResponse:
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise Http404
    return redirect("space", slug=queries.get_space(request.user, space.slug).slug)


def post_redirect(request: HttpRequest, post_id: int) -> HttpResponse:
    post: Post = queries.get_post(request.user, post_id)
    return HttpResponseRedirect(reverse("thread", args=[post.thread_id]) + f"#post-{post.pk}")
