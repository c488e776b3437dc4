"""Every page answers 200 for the people it is for, and works with plain form posts, as in
a browser without JavaScript."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from fireside.community.models import Flag, Thread, ThreadKind
from fireside.people.models import Role, User
from fireside.testing import PASSWORD, make_reply, make_thread, make_user

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The forms of a page: their attributes and the names and values of their fields."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.onclick = 0
        self._select: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if any(name.startswith("on") for name in attributes):
            self.onclick += 1
        if tag == "form":
            self.forms.append({"attrs": attributes, "fields": {}})
        elif not self.forms:
            return
        elif tag == "select":
            self._select = attributes.get("name")
        elif tag == "option" and self._select:
            # The first option is chosen unless another one says it is selected.
            fields = self.forms[-1]["fields"]
            if self._select not in fields or "selected" in attributes:
                fields[self._select] = attributes.get("value") or ""
        elif tag in ("input", "textarea") and attributes.get("name"):
            if attributes.get("type") == "checkbox" and "checked" not in attributes:
                return
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


class Browser:
    """A browser without JavaScript: it opens pages and sends the forms they show, with
    their own hidden fields, the Referer header, and whatever the user typed."""

    def __init__(self) -> None:
        self.client = Client()
        self.url = "/"
        self.page = ""

    def open(self, url: str) -> str:
        response = self.client.get(url, follow=True)
        assert response.status_code == 200, url
        self.url, self.page = response.redirect_chain[-1][0] if response.redirect_chain \
            else url, response.content.decode()
        return self.page

    def submit(self, action: str = "", **typed: str) -> str:
        """Send the first post form whose action matches the pattern (the page itself when
        the form has no action)."""
        for form in _Forms(self.page).forms:
            target = form["attrs"].get("action") or ""
            if form["attrs"].get("method") == "post" and re.fullmatch(action, target):
                break
        else:
            raise AssertionError(f"{self.url} has no form posting to {action!r}")
        response = self.client.post(target or self.url, {**form["fields"], **typed},
                                    follow=True, HTTP_REFERER=f"http://testserver{self.url}")
        assert response.status_code == 200, (target, response.status_code)
        if response.redirect_chain:
            self.url = response.redirect_chain[-1][0].removeprefix("http://testserver")
        self.page = response.content.decode()
        return self.page


@pytest.fixture
def community(space, asker, answerer, moderator):
    thread = make_thread(space, asker, title="Grinder too coarse?", kind=ThreadKind.QUESTION)
    answer = make_reply(thread, answerer, body="Turn the dial.")
    Flag.objects.create(post=answer, reporter=asker, reason="Check this")
    return thread


@pytest.mark.parametrize(("path", "who"), [
    ("/", None), ("/", "asker"), ("/s/general", None), ("/s/general", "asker"),
    ("/s/general/new", "asker"), ("/t/{thread}", None), ("/t/{thread}", "asker"),
    ("/t/{thread}", "mod"), ("/p/{opening}/edit", "asker"), ("/p/{opening}/history", None),
    ("/people/asker", None), ("/people/asker", "answerer"), ("/settings/profile", "asker"),
    ("/settings/tokens", "asker"), ("/search", None), ("/search?q=grinder", None),
    ("/search?q=grinder&space=general", "asker"), ("/notifications", "asker"),
    ("/moderation", "mod"), ("/unanswered", None), ("/about", None), ("/join", None),
    ("/login", None), ("/password/reset", None), ("/password/reset/sent", None),
    ("/password/reset/done", None), ("/api/v1/docs", None),
])
def test_every_page_answers_200_for_the_people_it_is_for(community, path, who):
    client = Client()
    if who:
        client.force_login(User.objects.get(username=who))
    opening = community.posts.get(is_opening=True)

    response = client.get(path.format(thread=community.pk, opening=opening.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/s/general/new", "/settings/profile", "/settings/tokens",
                                  "/notifications", "/moderation"])
def test_pages_for_members_send_visitors_to_log_in(client, community, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login?next={path}"


@pytest.mark.parametrize(("path", "who"), [
    ("/t/{thread}", "asker"), ("/t/{thread}", "mod"), ("/s/general", "asker"),
    ("/people/asker", "admin"), ("/settings/profile", "asker"), ("/notifications", "asker"),
    ("/moderation", "mod"), ("/settings/tokens", "asker"), ("/join", None), ("/login", None),
])
def test_every_form_posts_without_javascript(community, path, who):
    make_user("admin", role=Role.ADMIN)
    client = Client()
    if who:
        client.force_login(User.objects.get(username=who))

    page = client.get(path.format(thread=community.pk)).content.decode()

    parsed = _Forms(page)
    assert parsed.forms
    assert parsed.onclick == 0  # no behaviour hangs on inline script
    for form in parsed.forms:
        attrs = form["attrs"]
        if attrs.get("hx-post"):  # htmx enhances a form that works on its own
            assert attrs.get("action") == attrs["hx-post"]
        if (attrs.get("method") or "get") == "post":
            assert "csrfmiddlewaretoken" in form["fields"], attrs


def test_a_whole_conversation_works_with_plain_form_posts(space, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    """Join, confirm, ask, get an answer, accept it and read the notification, by sending
    only the forms the pages show."""
    alice, bob = Browser(), Browser()
    alice.open("/join")
    with django_capture_on_commit_callbacks(execute=True):
        alice.submit(email="alice@example.com", handle="alice", display_name="Alice",
                     password=PASSWORD)
    link = re.search(r"https?://\S+(/verify/\S+)", mailoutbox[0].body).group(1)
    assert "Welcome, Alice!" in alice.open(link)

    alice.open("/s/general/new?kind=question")
    alice.submit(title="Why is my espresso sour?", body="Beans are fresh.", tags="espresso")
    thread = Thread.objects.get(title="Why is my espresso sour?")
    assert alice.url == f"/t/{thread.pk}"
    assert "Beans are fresh." in alice.page

    make_user("bob", display_name="Bob")
    bob.open("/login")
    bob.submit(username="bob", password=PASSWORD)
    bob.open(f"/t/{thread.pk}")
    assert "Grind finer." in bob.submit(rf"/t/{thread.pk}/reply", body="Grind finer.")

    alice.open(f"/t/{thread.pk}")
    assert "✓ Accepted answer" in alice.submit(r"/p/\d+/accept")
    assert "Like 1" in alice.submit(r"/p/\d+/react/like")
    assert "Helpful 1" in alice.submit(r"/p/\d+/react/helpful")

    bob.open("/notifications")
    assert "Alice accepted your answer in “Why is my espresso sour?”" in bob.page
    assert 'data-testid="unread-count">1<' in bob.page
    assert 'data-testid="unread-count"' not in bob.submit()
    bob.open(f"/t/{thread.pk}")
    assert 'data-testid="follow-thread">Follow</button>' in bob.submit(
        rf"/follow/thread/{thread.pk}")
    assert bob.url == f"/t/{thread.pk}"


def test_the_unanswered_list_shows_open_questions_oldest_first(client, space, asker, moderator):
    first = make_thread(space, asker, title="First open question", kind=ThreadKind.QUESTION)
    make_thread(space, asker, title="Second open question", kind=ThreadKind.QUESTION)
    answered = make_thread(space, asker, title="Answered question", kind=ThreadKind.QUESTION)
    make_reply(answered)
    locked = make_thread(space, asker, title="Locked question", kind=ThreadKind.QUESTION)
    locked.is_locked = True
    locked.save()
    make_thread(space, asker, title="Just a discussion")

    page = client.get("/unanswered").content.decode()
    home = client.get("/").content.decode()

    assert page.index("First open question") < page.index("Second open question")
    for absent in ("Answered question", "Locked question", "Just a discussion"):
        assert absent not in page
    assert f'<a href="/t/{first.pk}">First open question</a>' in home


def test_a_log_in_form_sends_the_member_back_where_they_were(community, asker):
    browser = Browser()
    browser.open(f"/login?next=/t/{community.pk}")

    browser.submit(username="asker", password=PASSWORD)

    assert browser.url == f"/t/{community.pk}"


@pytest.mark.parametrize(("path", "data"), [
    ("/t/{thread}/reply", {"body": "hello", "reply_to": "abc"}),
    ("/follow/thread/abc", {"on": "1"}),
    ("/follow/thread/99999999", {"on": "1"}),
    ("/settings/tokens", {"revoke": "abc"}),
    ("/p/{opening}/react/like", {"on": "maybe"}),
    ("/t/{thread}/moderate", {"action": "move", "space": ""}),
])
def test_garbage_in_a_form_answers_4xx_never_500(community, asker, path, data):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="mod"))
    opening = community.posts.get(is_opening=True)

    response = client.post(path.format(thread=community.pk, opening=opening.pk), data)

    assert response.status_code < 500


@pytest.mark.parametrize("path", ["/s/general?after=2020-01-01T00:00:00_abc",
                                  "/s/general?after=%00", "/t/{thread}?page=abc",
                                  "/t/{thread}?page=99999", "/search?q=%00", "/unanswered?page=x",
                                  "/search?space=nope&q=x"])
def test_garbage_in_a_query_string_answers_200_or_404_never_500(community, path):
    response = Client(raise_request_exception=False).get(path.format(thread=community.pk))

    assert response.status_code in (200, 404)


def test_a_form_never_sends_a_member_to_another_site(community, asker):
    client = Client()
    client.force_login(User.objects.get(username="answerer"))
    opening = community.posts.get(is_opening=True)

    referer = client.post(f"/p/{opening.pk}/react/like", {"on": "1"},
                          HTTP_REFERER="https://evil.example/phish")
    next_field = client.post(f"/p/{opening.pk}/react/like",
                             {"on": "0", "next": "//evil.example/phish"})
    login = Client().post("/login?next=https://evil.example/", {"username": "asker",
                                                                 "password": PASSWORD})

    assert referer["Location"] == "/"
    assert next_field["Location"] == "/"
    assert login["Location"] == "/"
