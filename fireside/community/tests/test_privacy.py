"""A private space stays invisible to outsiders on every path.

An employees-only space holds a question, a reply that @mentions two outsiders, and an
edited post. Then an anonymous visitor, a customer and a partner try every page, every API
endpoint, search, notifications, profiles and the home page's lists, and guess ids: the
secret words never appear, and a real private id answers exactly as an id that does not
exist (404), so that not even existence leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from fireside.community import actions
from fireside.community.models import (
    Flag,
    Follow,
    Notification,
    Post,
    Reaction,
    Space,
    Thread,
    ThreadKind,
    Visibility,
)
from fireside.people import actions as people_actions
from fireside.people.models import Kind, Role, User
from fireside.testing import make_reply, make_space, make_thread, make_user, without_csrf

pytestmark = pytest.mark.django_db

SECRETS = ("nightjar", "plughxyzzy", "backstage")
OUTSIDERS = ("anonymous", "customer", "partner")


@dataclass
class World:
    insider: User
    colleague: User
    customer: User
    partner: User
    space: Space
    thread: Thread
    opening: Post
    reply: Post
    missing_thread: int
    missing_post: int


@pytest.fixture
def world(django_capture_on_commit_callbacks, mailoutbox) -> World:
    insider = make_user("insider", kind=Kind.EMPLOYEE, display_name="Ingrid Insider")
    colleague = make_user("colleague", kind=Kind.EMPLOYEE, display_name="Colin Colleague")
    customer = make_user("customer", kind=Kind.CUSTOMER, display_name="Cara Customer")
    partner = make_user("partner", kind=Kind.PARTNER, display_name="Pete Partner")
    public = make_space("general", name="General")
    # Public activity by the same people, so that their profiles have something to show.
    make_thread(public, insider, title="Welcome, everyone", body="Say hello.",
                kind=ThreadKind.QUESTION)
    for outsider in (customer, partner):
        actions.do_follow(outsider, space=public)
    space = make_space("backstage", name="Backstage", visibility=Visibility.PRIVATE,
                       allowed_kinds=[Kind.EMPLOYEE], purpose="Staff talk about plughxyzzy.")
    Space.objects.filter(pk=space.pk).update(attribution="Notes from the plughxyzzy wiki.")
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(space, insider, title="Nightjar launch date",
                             body="Is the plughxyzzy launch still on?", kind=ThreadKind.QUESTION,
                             tags=["nightjar"])
        opening = thread.posts.get()
        reply = make_reply(thread, colleague,
                           body="@customer and @partner must not hear about plughxyzzy yet.")
        actions.do_edit_post(insider, opening, body="Is the plughxyzzy launch moving?")
        # Accepted answers and reactions feed points, badges and profiles elsewhere.
        actions.check_accept_answer(insider, reply)
        actions.check_react(insider, reply, "helpful")
        actions.check_react(colleague, opening, "like")
    actions.check_flag(colleague, opening, "plughxyzzy should be hidden")
    return World(insider=insider, colleague=colleague, customer=customer, partner=partner,
                 space=space, thread=thread, opening=opening, reply=reply,
                 missing_thread=Thread.objects.latest("id").pk + 1000,
                 missing_post=Post.objects.latest("id").pk + 1000)


def _page_client(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


def _api_headers(world: World, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    _token, secret = people_actions.do_create_token(getattr(world, who), "privacy")
    return {"Authorization": f"Bearer {secret}"}


def assert_no_secret(response, what: str) -> None:
    text = response.content.decode().lower()
    if "?q=" in what:  # the search page repeats the words searched for, and only those
        query = what.split("?q=")[1].split("&")[0]
        for echo in (f'value="{query}"', f"search: {query}", f"nothing matches “{query}”"):
            text = text.replace(echo, "")
    for word in SECRETS:
        assert word not in text, f"{what} shows {word!r}"


# What the outsider sends: (method, path with {thread}/{post}/{reply} ids, form data).
PAGE_GETS = [
    "/s/backstage", "/s/backstage/new", "/t/{thread}", "/t/{thread}?page=2", "/p/{post}",
    "/p/{post}/edit", "/p/{post}/history", "/p/{reply}", "/p/{reply}/history",
    "/search?q=nightjar&space=backstage",
]
PAGE_POSTS = [
    ("/s/backstage/new", {"title": "Sneaking in", "body": "hello", "kind": "discussion"}),
    ("/t/{thread}/reply", {"body": "I can see you"}),
    ("/t/{thread}/moderate", {"action": "lock", "reason": "mine"}),
    ("/t/{thread}/moderate", {"action": "move", "space": "general"}),
    ("/p/{post}/edit", {"body": "defaced", "title": "defaced"}),
    ("/p/{reply}/react/like", {"on": "1"}),
    ("/p/{reply}/react/helpful", {"on": "0"}),
    ("/p/{reply}/accept", {}),
    ("/p/{reply}/accept", {"undo": "1"}),
    ("/p/{reply}/flag", {"reason": "looking around"}),
    ("/p/{reply}/moderate", {"action": "hide", "reason": "mine"}),
    ("/follow/thread/{thread}", {"on": "1"}),
    ("/follow/space/backstage", {"on": "1"}),
]
API_GETS = [
    "/api/v1/spaces/backstage", "/api/v1/spaces/backstage/threads", "/api/v1/threads/{thread}",
    "/api/v1/threads/{thread}/posts", "/api/v1/posts/{post}", "/api/v1/posts/{reply}",
    "/api/v1/posts/{post}/revisions", "/api/v1/search?q=nightjar&space=backstage",
]
API_WRITES = [
    ("post", "/api/v1/spaces/backstage/threads", {"title": "Sneaking in", "body": "hello"}),
    ("put", "/api/v1/spaces/backstage/follow", None),
    ("delete", "/api/v1/spaces/backstage/follow", None),
    ("post", "/api/v1/threads/{thread}/posts", {"body": "I can see you"}),
    ("post", "/api/v1/threads/{thread}/moderate", {"action": "lock"}),
    ("put", "/api/v1/threads/{thread}/follow", None),
    ("delete", "/api/v1/threads/{thread}/follow", None),
    ("delete", "/api/v1/threads/{thread}/accepted", None),
    ("patch", "/api/v1/posts/{post}", {"body": "defaced"}),
    ("post", "/api/v1/posts/{reply}/reactions", {"kind": "like"}),
    ("delete", "/api/v1/posts/{reply}/reactions/like", None),
    ("post", "/api/v1/posts/{reply}/accept", None),
    ("post", "/api/v1/posts/{reply}/flags", {"reason": "looking around"}),
    ("post", "/api/v1/posts/{reply}/moderate", {"action": "hide", "reason": "x"}),
]
# Pages and lists that exist for everyone and must simply leave the secret out.
PAGE_LISTS = ["/", "/unanswered", "/about", "/search?q=nightjar", "/search?q=plughxyzzy",
              "/search?q=launch", "/people/insider", "/people/colleague", "/s/general",
              "/leaderboard", "/ideas"]
API_LISTS = ["/api/v1/spaces", "/api/v1/search?q=nightjar", "/api/v1/search?q=plughxyzzy",
             "/api/v1/questions/unanswered", "/api/v1/people/insider/contributions",
             "/api/v1/people/colleague/contributions", "/api/v1/spaces/general/threads"]


def _real(world: World, path: str) -> str:
    return path.format(thread=world.thread.pk, post=world.opening.pk, reply=world.reply.pk)


def _guessed(world: World, path: str) -> str:
    return path.replace("backstage", "no-such-space").format(
        thread=world.missing_thread, post=world.missing_post, reply=world.missing_post + 1)


def _state(world: World) -> tuple:
    """Everything an outsider's write could change."""
    thread = Thread.objects.get(pk=world.thread.pk)
    return (Post.objects.count(), Thread.objects.count(), Reaction.objects.count(),
            Flag.objects.count(), Follow.objects.filter(user__kind=Kind.EMPLOYEE).count(),
            Follow.objects.exclude(user__kind=Kind.EMPLOYEE).count(),
            thread.is_locked, thread.accepted_post_id, thread.space_id,
            Post.objects.get(pk=world.opening.pk).body,
            Post.objects.get(pk=world.reply.pk).is_hidden)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_pages_answer_outsiders_as_if_nothing_were_there(world, who):
    client = _page_client(world, who)

    for path in PAGE_GETS:
        real, guessed = client.get(_real(world, path)), client.get(_guessed(world, path))
        assert_no_secret(real, path)
        assert (real.status_code, without_csrf(real.content)) == \
            (guessed.status_code, without_csrf(guessed.content)), path
        if who == "anonymous" and real.status_code == 302:
            assert real["Location"].startswith("/login?next="), path
        else:
            assert real.status_code == 404, path


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_write_to_a_private_space_by_guessing_ids(world, who):
    client = _page_client(world, who)
    before = _state(world)

    for path, data in PAGE_POSTS:
        real = client.post(_real(world, path), data)
        guessed = client.post(_guessed(world, path), data)
        htmx = client.post(_real(world, path), data, HTTP_HX_REQUEST="true")
        assert_no_secret(real, path)
        assert_no_secret(htmx, path)
        assert real.status_code == guessed.status_code, path
        if who == "anonymous":
            assert real.status_code == 302 and real["Location"].startswith("/login"), path
        else:
            assert real.status_code == 404 and htmx.status_code == 404, path

    assert _state(world) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_answers_outsiders_404_for_private_ids(world, who):
    client, headers = Client(), _api_headers(world, who)

    for path in API_GETS:
        real = client.get(_real(world, path), headers=headers)
        guessed = client.get(_guessed(world, path), headers=headers)
        assert_no_secret(real, path)
        assert real.status_code == 404, path
        assert real.json() == guessed.json() == {"detail": "Not Found"}, path


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_api_refuses_outsiders_writes_to_a_private_space(world, who):
    client, headers = Client(), _api_headers(world, who)
    before = _state(world)

    for method, path, data in API_WRITES:
        send = getattr(client, method)
        kwargs = {"content_type": "application/json", "headers": headers}
        real = send(_real(world, path), data, **kwargs) if data else send(
            _real(world, path), **kwargs)
        assert_no_secret(real, path)
        assert real.status_code == (401 if who == "anonymous" else 404), (method, path)

    assert _state(world) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_lists_search_profiles_and_the_home_page_leave_the_private_space_out(world, who):
    client, headers = _page_client(world, who), _api_headers(world, who)

    for path in PAGE_LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_secret(response, path)
    for path in API_LISTS:
        response = Client().get(path, headers=headers)
        assert response.status_code == 200, path
        assert_no_secret(response, path)

    for word in ("nightjar", "plughxyzzy", "launch"):
        assert f"Nothing matches “{word}”" in client.get(f"/search?q={word}").content.decode()
    home = client.get("/").content.decode()
    assert "Welcome, everyone" in home  # the lists are there, only the secret is missing
    profile = client.get("/people/insider").content.decode()
    assert "Asked “Welcome, everyone”" in profile
    assert client.get("/api/v1/search?q=hello").json()[0]["thread_title"] == "Welcome, everyone"


@pytest.mark.parametrize("who", ["customer", "partner"])
def test_a_mention_in_a_private_space_does_not_notify_an_outsider(world, who, mailoutbox):
    outsider = getattr(world, who)
    client, headers = _page_client(world, who), _api_headers(world, who)

    assert not Notification.objects.filter(recipient=outsider).exists()
    assert not [m for m in mailoutbox if outsider.email in m.to]
    page = client.get("/notifications")
    assert page.status_code == 200
    assert_no_secret(page, "/notifications")
    api = Client().get("/api/v1/notifications", headers=headers)
    assert api.json()["results"] == []
    assert_no_secret(client.get("/"), "the bell")
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    # The insider's notifications cannot be opened by guessing their ids either.
    for notification in Notification.objects.filter(recipient=world.insider):
        assert client.get(f"/notifications/{notification.pk}").status_code == 404
        assert Notification.objects.get(pk=notification.pk).read_at is None


def test_the_insiders_see_everything_the_outsiders_do_not(world, mailoutbox):
    """The control: the same paths do show the secret to an employee, so the tests above
    fail if a path stops leaking only because it broke."""
    client, headers = _page_client(world, "colleague"), _api_headers(world, "colleague")

    assert "Nightjar launch date" in client.get(_real(world, "/t/{thread}")).content.decode()
    assert client.get(_real(world, "/p/{post}/history")).status_code == 200
    assert "Nightjar launch date" in client.get("/search?q=plughxyzzy").content.decode()
    assert "Nightjar launch date" in client.get("/").content.decode()
    assert "Nightjar launch date" in client.get("/people/insider").content.decode()
    for path in API_GETS:
        assert Client().get(_real(world, path), headers=headers).status_code == 200, path
    insider_mail = [m for m in mailoutbox if m.to == ["insider@example.com"]]
    assert [m.subject for m in insider_mail] == [
        "Colin Colleague replied in “Nightjar launch date”"]


def test_losing_access_to_a_private_space_hides_its_notifications(world):
    colleague = world.colleague
    told_while_inside = Notification.objects.filter(recipient=colleague).count()
    assert told_while_inside == 1  # their answer was accepted
    colleague.kind = Kind.CUSTOMER
    colleague.save()

    make_reply(world.thread, world.insider, body="@colleague plughxyzzy is moving")

    assert Notification.objects.filter(recipient=colleague).count() == told_while_inside
    client, headers = _page_client(world, "colleague"), _api_headers(world, "colleague")
    assert_no_secret(client.get("/notifications"), "/notifications after leaving")
    assert Client().get("/api/v1/notifications", headers=headers).json()["results"] == []
    assert client.get(_real(world, "/t/{thread}")).status_code == 404


def test_a_global_moderator_outside_the_space_sees_none_of_it(world):
    """Moderators of the whole community are not thereby members of private spaces; not
    even the moderation queue shows them what was flagged in one."""
    moderator = make_user("globalmod", role=Role.MODERATOR)
    client = Client()
    client.force_login(moderator)
    _token, secret = people_actions.do_create_token(moderator, "privacy")
    headers = {"Authorization": f"Bearer {secret}"}

    assert client.get(_real(world, "/t/{thread}")).status_code == 404
    queue = client.get("/moderation")
    assert queue.status_code == 200
    assert_no_secret(queue, "/moderation")
    assert Client().get("/api/v1/moderation/flags", headers=headers).json() == []
    for path in API_GETS:
        assert Client().get(_real(world, path), headers=headers).status_code == 404, path


def test_a_reply_in_a_public_thread_cannot_point_at_a_private_post(world):
    public_thread = Thread.objects.get(title="Welcome, everyone")
    client = _page_client(world, "customer")

    page = client.post(f"/t/{public_thread.pk}/reply",
                       {"body": "quoting", "reply_to": world.reply.pk})
    api = Client().post(f"/api/v1/threads/{public_thread.pk}/posts",
                        {"body": "quoting", "reply_to_id": world.reply.pk},
                        content_type="application/json",
                        headers=_api_headers(world, "customer"))

    assert page.status_code == 404 and api.status_code == 404
    assert public_thread.posts.count() == 1


def test_staff_pages_of_other_apps_leave_the_private_space_out(world):
    agent = make_user("agent", role=Role.AGENT)
    client = Client()
    client.force_login(agent)

    for path in ("/listening/stream", "/staff/tasks", "/care/inbox", "/leaderboard",
                 "/ideas", "/staff/people"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert_no_secret(response, path)
