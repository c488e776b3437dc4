"""The community API: every endpoint, token and session authentication, CSRF on session writes,
cursor pagination, errors as JSON with a `detail`, and the OpenAPI schema and docs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from fireside.api import api
from fireside.community.models import Flag, Notification, Post, Thread, ThreadKind
from fireside.testing import make_reply, make_space, make_thread

pytestmark = pytest.mark.django_db

JSON = "application/json"

# Every operation of the API, and the test module that exercises it. A new endpoint fails
# `test_every_endpoint_is_listed_here` until it is added here with a test.
OPERATIONS = {
    ("GET", "/api/v1/me"): "people",
    ("PATCH", "/api/v1/me"): "people",
    ("GET", "/api/v1/people/{handle}"): "people",
    ("GET", "/api/v1/people/{handle}/contributions"): "people",
    ("PUT", "/api/v1/people/{handle}/kind"): "people",
    ("GET", "/api/v1/me/tokens"): "people",
    ("POST", "/api/v1/me/tokens"): "people",
    ("DELETE", "/api/v1/me/tokens/{token_id}"): "people",
    ("GET", "/api/v1/spaces"): "community",
    ("GET", "/api/v1/spaces/{slug}"): "community",
    ("GET", "/api/v1/spaces/{slug}/threads"): "community",
    ("POST", "/api/v1/spaces/{slug}/threads"): "community",
    ("PUT", "/api/v1/spaces/{slug}/follow"): "community",
    ("DELETE", "/api/v1/spaces/{slug}/follow"): "community",
    ("GET", "/api/v1/threads/{thread_id}"): "community",
    ("GET", "/api/v1/threads/{thread_id}/posts"): "community",
    ("POST", "/api/v1/threads/{thread_id}/posts"): "community",
    ("POST", "/api/v1/threads/{thread_id}/moderate"): "community",
    ("PUT", "/api/v1/threads/{thread_id}/follow"): "community",
    ("DELETE", "/api/v1/threads/{thread_id}/follow"): "community",
    ("DELETE", "/api/v1/threads/{thread_id}/accepted"): "community",
    ("GET", "/api/v1/posts/{post_id}"): "community",
    ("PATCH", "/api/v1/posts/{post_id}"): "community",
    ("GET", "/api/v1/posts/{post_id}/revisions"): "community",
    ("POST", "/api/v1/posts/{post_id}/reactions"): "community",
    ("DELETE", "/api/v1/posts/{post_id}/reactions/{kind}"): "community",
    ("POST", "/api/v1/posts/{post_id}/accept"): "community",
    ("POST", "/api/v1/posts/{post_id}/flags"): "community",
    ("POST", "/api/v1/posts/{post_id}/moderate"): "community",
    ("GET", "/api/v1/moderation/flags"): "community",
    ("GET", "/api/v1/notifications"): "community",
    ("POST", "/api/v1/notifications/read"): "community",
    ("GET", "/api/v1/search"): "community",
    ("GET", "/api/v1/questions/unanswered"): "community",
}


def _router_operations() -> set[tuple[str, str]]:
    from fireside.community.api import router as community_router
    from fireside.people.api import router as people_router

    return {(method, f"/api/v1{path}")
            for router in (people_router, community_router)
            for path, view in router.path_operations.items()
            for operation in view.operations for method in operation.methods}


def test_every_people_and_community_endpoint_is_listed_here():
    assert _router_operations() == set(OPERATIONS)
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for method, path in OPERATIONS:
        assert method.lower() in schema["paths"][path], (method, path)


def _follow_all(client: Client, url: str, headers: dict[str, str] | None = None) -> list[dict]:
    """Every item of a cursor-paginated list, following `next` to the end."""
    items: list[dict] = []
    pages = 0
    while url:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, response.content
        body = response.json()
        items.extend(body["results"])
        url = body["next"]
        pages += 1
        assert pages < 100
    return items


# Spaces and threads -------------------------------------------------------------------


def test_a_space_and_its_threads_are_read_without_signing_in(client, space, asker):
    thread = make_thread(space, asker, title="Tamping pressure", tags=["tamping"])

    spaces = client.get("/api/v1/spaces").json()
    one = client.get("/api/v1/spaces/general").json()
    threads = client.get("/api/v1/spaces/general/threads").json()
    single = client.get(f"/api/v1/threads/{thread.pk}").json()

    assert [s["slug"] for s in spaces] == ["general"]
    assert one["name"] == "General" and one["thread_count"] == 1
    assert threads["next"] is None
    [listed] = threads["results"]
    assert listed == single
    assert single["title"] == "Tamping pressure"
    assert single["tags"] == ["tamping"]
    assert single["author"]["handle"] == "asker"
    assert single["url"] == f"/t/{thread.pk}"


def test_following_every_next_link_lists_each_thread_exactly_once(client, space, asker):
    threads = [make_thread(space, asker, title=f"Thread number {n}") for n in range(23)]
    # Imported content often shares a timestamp; the cursor must not skip or repeat ties.
    tied = timezone.now() - timedelta(days=1)
    Thread.objects.filter(pk__in=[t.pk for t in threads[5:15]]).update(last_activity_at=tied)

    items = _follow_all(client, "/api/v1/spaces/general/threads?page_size=4")

    assert sorted(t["id"] for t in items) == sorted(t.pk for t in threads)
    assert len(items) == 23


def test_a_thread_is_created_through_the_api(space, asker, bearer_for):
    response = Client().post("/api/v1/spaces/general/threads",
                             {"title": "Descaling", "body": "How *often*?", "kind": "question",
                              "tags": ["Care"]}, content_type=JSON, headers=bearer_for(asker))

    assert response.status_code == 201
    body = response.json()
    thread = Thread.objects.get()
    assert body["id"] == thread.pk and body["kind"] == "question" and body["tags"] == ["care"]
    assert thread.posts.get().body_html == "<p>How <em>often</em>?</p>\n"


def test_a_bad_thread_answers_400_or_422_with_a_detail(space, asker, bearer_for):
    client, headers = Client(), bearer_for(asker)

    short = client.post("/api/v1/spaces/general/threads", {"title": "Hi", "body": "x"},
                        content_type=JSON, headers=headers)
    bad_kind = client.post("/api/v1/spaces/general/threads",
                           {"title": "Hello", "body": "x", "kind": "poll"},
                           content_type=JSON, headers=headers)
    missing = client.post("/api/v1/spaces/general/threads", {"title": "Hello"},
                          content_type=JSON, headers=headers)

    assert short.status_code == 400
    assert short.json() == {"detail": "Give the thread a title of at least 3 characters."}
    assert bad_kind.status_code == 422 and bad_kind.json()["detail"]
    assert missing.status_code == 422 and missing.json()["detail"]
    assert not Thread.objects.exists()


def test_writing_without_authentication_answers_401(client, space):
    response = client.post("/api/v1/spaces/general/threads", {"title": "Hello", "body": "x"},
                           content_type=JSON)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_following_a_space_and_a_thread_through_the_api(space, asker, answerer, bearer_for):
    thread = make_thread(space, asker)
    client, headers = Client(), bearer_for(answerer)

    assert client.put("/api/v1/spaces/general/follow", headers=headers).status_code == 204
    assert client.put(f"/api/v1/threads/{thread.pk}/follow", headers=headers).status_code == 204
    assert answerer.follows.count() == 2
    assert client.delete("/api/v1/spaces/general/follow", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/threads/{thread.pk}/follow",
                         headers=headers).status_code == 204
    assert answerer.follows.count() == 0


# Posts --------------------------------------------------------------------------------


def test_replying_reading_and_editing_posts_through_the_api(space, asker, answerer, bearer_for):
    thread = make_thread(space, asker)
    opening = thread.posts.get()
    client, headers = Client(), bearer_for(answerer)

    created = client.post(f"/api/v1/threads/{thread.pk}/posts",
                          {"body": "Try **this**.", "reply_to_id": opening.pk},
                          content_type=JSON, headers=headers)
    post_id = created.json()["id"]
    edited = client.patch(f"/api/v1/posts/{post_id}", {"body": "Try that."}, content_type=JSON,
                          headers=headers)
    read = client.get(f"/api/v1/posts/{post_id}")
    revisions = client.get(f"/api/v1/posts/{post_id}/revisions")
    listed = client.get(f"/api/v1/threads/{thread.pk}/posts").json()

    assert created.status_code == 201
    assert created.json()["body_html"] == "<p>Try <strong>this</strong>.</p>\n"
    assert created.json()["reply_to_id"] == opening.pk
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert read.json()["body"] == "Try that."
    assert [(r["body"], r["edited_by"]) for r in revisions.json()] == [("Try **this**.",
                                                                        "answerer")]
    assert [p["id"] for p in listed["results"]] == [opening.pk, post_id]


def test_editing_someone_elses_post_answers_403(space, asker, answerer, bearer_for):
    post = make_thread(space, asker).posts.get()

    response = Client().patch(f"/api/v1/posts/{post.pk}", {"body": "Mine now"},
                              content_type=JSON, headers=bearer_for(answerer))

    assert response.status_code == 403
    assert response.json() == {"detail": "You can only edit your own posts."}


def test_replying_to_a_post_in_another_thread_is_refused(space, asker, bearer_for):
    thread, other = make_thread(space, asker), make_thread(space, asker)

    response = Client().post(f"/api/v1/threads/{thread.pk}/posts",
                             {"body": "x", "reply_to_id": other.posts.get().pk},
                             content_type=JSON, headers=bearer_for(asker))

    assert response.status_code == 400
    assert response.json() == {"detail": "You can only reply to a post in the same thread."}


def test_following_every_next_link_lists_each_post_exactly_once(client, space, asker):
    thread = make_thread(space, asker)
    replies = [make_reply(thread) for _ in range(20)]
    Post.objects.filter(pk__in=[p.pk for p in replies[3:9]]).update(
        created_at=replies[3].created_at)

    items = _follow_all(client, f"/api/v1/threads/{thread.pk}/posts?page_size=5")

    assert [p["id"] for p in items].count(replies[5].pk) == 1
    assert sorted(p["id"] for p in items) == sorted(
        [thread.posts.get(is_opening=True).pk] + [p.pk for p in replies])


def test_reacting_and_unreacting_through_the_api(space, asker, answerer, bearer_for):
    post = make_thread(space, asker).posts.get()
    client, headers = Client(), bearer_for(answerer)

    liked = client.post(f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"},
                        content_type=JSON, headers=headers)
    again = client.post(f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"},
                        content_type=JSON, headers=headers)
    helpful = client.post(f"/api/v1/posts/{post.pk}/reactions", {"kind": "helpful"},
                          content_type=JSON, headers=headers)
    unliked = client.delete(f"/api/v1/posts/{post.pk}/reactions/like", headers=headers)
    unknown = client.delete(f"/api/v1/posts/{post.pk}/reactions/love", headers=headers)

    assert liked.json()["like_count"] == 1
    assert again.json()["like_count"] == 1
    assert helpful.json()["helpful_count"] == 1
    assert (unliked.json()["like_count"], unliked.json()["helpful_count"]) == (0, 1)
    assert unknown.status_code == 400


def test_accepting_and_withdrawing_an_answer_through_the_api(space, asker, answerer,
                                                             bearer_for):
    thread = make_thread(space, asker, kind=ThreadKind.QUESTION)
    answer = make_reply(thread, answerer)
    client, headers = Client(), bearer_for(asker)

    accepted = client.post(f"/api/v1/posts/{answer.pk}/accept", headers=headers)
    withdrawn = client.delete(f"/api/v1/threads/{thread.pk}/accepted", headers=headers)
    by_answerer = client.delete(f"/api/v1/threads/{thread.pk}/accepted",
                                headers=bearer_for(answerer))

    assert accepted.status_code == 200 and accepted.json()["accepted_post_id"] == answer.pk
    assert withdrawn.status_code == 200 and withdrawn.json()["accepted_post_id"] is None
    assert by_answerer.status_code == 403


# Moderation ---------------------------------------------------------------------------


def test_flagging_and_moderating_through_the_api(space, asker, answerer, moderator,
                                                 bearer_for):
    thread = make_thread(space, asker)
    post = make_reply(thread, answerer, body="Spam spam spam")
    client, mod = Client(), bearer_for(moderator)

    flagged = client.post(f"/api/v1/posts/{post.pk}/flags", {"reason": "Spam"},
                          content_type=JSON, headers=bearer_for(asker))
    queue = client.get("/api/v1/moderation/flags", headers=mod)
    hidden = client.post(f"/api/v1/posts/{post.pk}/moderate", {"action": "hide",
                                                                "reason": "Spam"},
                         content_type=JSON, headers=mod)
    pinned = client.post(f"/api/v1/threads/{thread.pk}/moderate", {"action": "pin"},
                         content_type=JSON, headers=mod)
    unknown = client.post(f"/api/v1/threads/{thread.pk}/moderate", {"action": "explode"},
                          content_type=JSON, headers=mod)
    by_member = client.post(f"/api/v1/threads/{thread.pk}/moderate", {"action": "lock"},
                            content_type=JSON, headers=bearer_for(asker))

    assert flagged.status_code == 201
    assert flagged.json()["reporter"] == "asker" and flagged.json()["reason"] == "Spam"
    assert [f["post_id"] for f in queue.json()] == [post.pk]
    assert hidden.json()["is_hidden"] is True
    assert Flag.objects.get().resolved_at is not None
    assert pinned.json()["is_pinned"] is True
    assert unknown.status_code == 400 and unknown.json() == {"detail": "Unknown action: explode."}
    assert by_member.status_code == 403


def test_moving_a_thread_through_the_api(space, asker, moderator, bearer_for):
    make_space("brewing")
    thread = make_thread(space, asker)

    moved = Client().post(f"/api/v1/threads/{thread.pk}/moderate",
                          {"action": "move", "space": "brewing"}, content_type=JSON,
                          headers=bearer_for(moderator))
    nowhere = Client().post(f"/api/v1/threads/{thread.pk}/moderate",
                            {"action": "move", "space": "nowhere"}, content_type=JSON,
                            headers=bearer_for(moderator))

    assert moved.status_code == 200 and moved.json()["space"] == "brewing"
    assert nowhere.status_code == 404 and nowhere.json() == {"detail": "Not Found"}


def test_the_moderation_queue_is_empty_for_members(asker, bearer_for):
    assert Client().get("/api/v1/moderation/flags", headers=bearer_for(asker)).json() == []


# Notifications and lists --------------------------------------------------------------


def test_notifications_are_listed_and_marked_read_through_the_api(space, asker, answerer,
                                                                  bearer_for):
    thread = make_thread(space, asker, title="Milk foam")
    replies = [make_reply(thread, answerer) for _ in range(7)]
    client, headers = Client(), bearer_for(asker)

    items = _follow_all(client, "/api/v1/notifications?page_size=3", headers)
    marked_one = client.post("/api/v1/notifications/read", {"ids": [items[0]["id"]]},
                             content_type=JSON, headers=headers)
    marked_rest = client.post("/api/v1/notifications/read", {}, content_type=JSON,
                              headers=headers)

    assert [n["post_id"] for n in items] == [p.pk for p in reversed(replies)]
    assert items[0]["kind"] == "reply" and items[0]["thread_title"] == "Milk foam"
    assert items[0]["actor"]["handle"] == "answerer" and items[0]["read"] is False
    assert marked_one.json() == {"marked": 1}
    assert marked_rest.json() == {"marked": 6}
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get("/api/v1/notifications").status_code == 401


def test_unanswered_questions_oldest_first_through_every_page(client, space, asker):
    questions = [make_thread(space, asker, kind=ThreadKind.QUESTION) for _ in range(9)]
    answered = make_thread(space, asker, kind=ThreadKind.QUESTION)
    make_reply(answered)
    make_thread(space, asker)  # a discussion is not a question

    items = _follow_all(client, "/api/v1/questions/unanswered?page_size=4")

    assert [t["id"] for t in items] == [q.pk for q in questions]


# Authentication, CSRF, errors, schema and docs ----------------------------------------


def test_a_session_write_without_the_csrf_token_is_refused(space, asker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    response = client.post("/api/v1/spaces/general/threads", {"title": "Hello", "body": "x"},
                           content_type=JSON)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Thread.objects.exists()


def test_a_session_write_with_the_csrf_token_goes_through(space, asker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)
    page = client.get("/s/general").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post("/api/v1/spaces/general/threads", {"title": "Hello", "body": "x"},
                           content_type=JSON, headers={"X-CSRFToken": token})

    assert response.status_code == 201


def test_a_session_read_needs_no_csrf_token(space, asker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    assert client.get("/api/v1/me").json()["handle"] == "asker"


def test_a_token_write_needs_no_csrf_token(space, asker, bearer_for):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/spaces/general/threads", {"title": "Hello", "body": "x"}, content_type=JSON,
        headers=bearer_for(asker))

    assert response.status_code == 201


def test_errors_are_json_with_a_detail(client, space):
    not_found = client.get("/api/v1/threads/999999")
    bad_id = client.get("/api/v1/threads/abc")
    bad_cursor = client.get("/api/v1/spaces/general/threads?cursor=%%%")

    assert not_found.status_code == 404
    assert not_found["Content-Type"].startswith(JSON)
    assert not_found.json() == {"detail": "Not Found"}
    assert bad_id.status_code == 422 and isinstance(bad_id.json()["detail"], list)
    assert 400 <= bad_cursor.status_code < 500 and bad_cursor.json()["detail"]


def test_an_unknown_api_address_answers_404_in_json(client):
    for path in ("/api/v1/nope", "/api/v1/spaces/general/threads/extra"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}, path


def test_the_api_is_rate_limited_for_posting(space, asker, bearer_for, rate_limits, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": (3, 3600)}
    thread = make_thread(space, asker)
    client, headers = Client(), bearer_for(asker)

    statuses = [client.post(f"/api/v1/threads/{thread.pk}/posts", {"body": "again"},
                            content_type=JSON, headers=headers).status_code for _ in range(4)]
    last = client.post(f"/api/v1/threads/{thread.pk}/posts", {"body": "again"},
                       content_type=JSON, headers=headers)

    assert statuses == [201, 201, 201, 429]
    assert last.json() == {"detail": "Too many attempts. Please wait up to 60 minutes and try "
                                     "again."}
    assert thread.posts.count() == 4


def test_the_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Fireside API"
    assert "/api/v1/threads/{thread_id}/posts" in schema["paths"]
    assert {"GET", "POST"} <= {m.upper() for m in schema["paths"]["/api/v1/me/tokens"]}


def test_the_docs_are_served_without_any_cdn(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', page)
    assert urls, page
    assert all(url.startswith("/static/") for url in urls), urls
    assert "//" not in "".join(urls)
    assert not re.search(r"https?://", page)
    for url in urls:  # and every one of them ships with the code
        assert finders.find(url.removeprefix("/static/")), url
