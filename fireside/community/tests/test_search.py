"""Full-text search, on SQLite (FTS5) and PostgreSQL alike, within what the reader may see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from fireside.community import actions, search
from fireside.community.models import Visibility
from fireside.people.models import Kind
from fireside.testing import make_reply, make_space, make_thread, make_user

pytestmark = pytest.mark.django_db


def _titles(viewer, text: str, **kwargs) -> list[str]:
    return [h.thread_title for h in search.search_posts(viewer, text, **kwargs)]


def test_search_finds_threads_by_title_and_replies_by_body(space, asker, answerer):
    thread = make_thread(space, asker, title="Portafilter gasket leaking", body="Water drips.")
    make_reply(thread, answerer, body="Replace the group gasket every year.")
    make_thread(space, asker, title="Something else entirely", body="Nothing to see.")

    hits = search.search_posts(AnonymousUser(), "gasket")

    assert {h.thread_title for h in hits} == {"Portafilter gasket leaking"}
    assert len(hits) == 2
    assert hits[0].is_opening  # the title match ranks first
    assert "<mark>gasket</mark>" in "".join(str(h.snippet) for h in hits)


def test_search_matches_word_stems_and_a_partly_typed_last_word(space, asker):
    make_thread(space, asker, title="Descaling the boiler", body="Citric acid works.")

    assert _titles(AnonymousUser(), "descale") == ["Descaling the boiler"]
    assert _titles(AnonymousUser(), "citric ac") == ["Descaling the boiler"]


def test_every_word_must_match(space, asker):
    make_thread(space, asker, title="Milk foam", body="Cold milk foams better.")

    assert _titles(AnonymousUser(), "milk cold") == ["Milk foam"]
    assert _titles(AnonymousUser(), "milk tea") == []


@pytest.mark.parametrize("text", ['"', "AND OR NOT", "milk*)(", "NEAR(milk foam)", "-milk",
                                  "'; DROP TABLE community_post; --", "   ", "🙂"])
def test_search_operators_and_odd_input_do_no_harm(space, asker, text):
    make_thread(space, asker, title="Milk foam")

    hits = search.search_posts(AnonymousUser(), text)

    assert isinstance(hits, list)
    assert _titles(AnonymousUser(), "milk") == ["Milk foam"]


def test_an_edit_is_found_and_the_old_words_are_not(space, asker):
    thread = make_thread(space, asker, title="Grinder noise", body="It squeaks.")
    post = thread.posts.get()

    actions.do_edit_post(asker, post, body="It rattles.", title="Grinder rattle")

    assert _titles(AnonymousUser(), "squeaks") == []
    assert _titles(AnonymousUser(), "rattles") == ["Grinder rattle"]
    assert _titles(AnonymousUser(), "noise") == []


def test_search_leaves_out_private_spaces_for_outsiders():
    public = make_space("public")
    staff = make_space("staff", visibility=Visibility.PRIVATE, allowed_kinds=[Kind.EMPLOYEE])
    lounge = make_space("lounge", visibility=Visibility.MEMBERS)
    make_thread(public, title="Tamper public")
    make_thread(staff, title="Tamper roadmap secret")
    make_thread(lounge, title="Tamper lounge")

    assert _titles(AnonymousUser(), "tamper") == ["Tamper public"]
    assert sorted(_titles(make_user(), "tamper")) == ["Tamper lounge", "Tamper public"]
    assert sorted(_titles(make_user(kind=Kind.EMPLOYEE), "tamper")) == [
        "Tamper lounge", "Tamper public", "Tamper roadmap secret"]


def test_search_leaves_out_hidden_and_deleted_content(space, asker, answerer, moderator):
    hidden = make_thread(space, asker, title="Kettle hidden")
    deleted = make_thread(space, asker, title="Kettle deleted")
    shown = make_thread(space, asker, title="Kettle shown")
    hidden_reply = make_reply(shown, answerer, body="kettle reply hidden")
    actions.check_moderate_thread(moderator, hidden, "hide")
    actions.check_moderate_thread(moderator, deleted, "delete", "spam")
    actions.check_moderate_post(moderator, hidden_reply, "hide")

    hits = search.search_posts(moderator, "kettle")

    assert [h.thread_title for h in hits] == ["Kettle shown"]


def test_search_within_one_space(asker):
    one, two = make_space("one"), make_space("two")
    make_thread(one, asker, title="Steam wand one")
    make_thread(two, asker, title="Steam wand two")

    assert _titles(AnonymousUser(), "steam", space=one) == ["Steam wand one"]


def test_the_search_page_shows_results_and_escapes_the_query(client, space, asker):
    make_thread(space, asker, title="Steam wand <b>tips</b>")

    page = client.get("/search", {"q": "steam <script>x</script>"}).content.decode()
    found = client.get("/search", {"q": "steam", "space": "general"}).content.decode()

    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page
    assert "Steam wand &lt;b&gt;tips&lt;/b&gt;" in found
    assert "1 result" in found


def test_search_through_the_api(client, space, asker):
    thread = make_thread(space, asker, title="Steam wand tips")

    response = client.get("/api/v1/search", {"q": "steam"})
    empty = client.get("/api/v1/search", {"q": "  "})
    unknown_space = client.get("/api/v1/search", {"q": "steam", "space": "nope"})

    assert response.status_code == 200
    [hit] = response.json()
    assert hit["thread_id"] == thread.pk
    assert hit["url"] == f"/t/{thread.pk}#post-{hit['post_id']}"
    assert hit["author"] == "Alice Asker"
    assert empty.status_code == 400
    assert empty.json() == {"detail": "Give the words to search for in `q`."}
    assert unknown_space.status_code == 404


def test_a_search_with_many_matches_is_limited(space, asker):
    thread = make_thread(space, asker, title="Crema")
    for _ in range(12):
        make_reply(thread, asker, body="More crema please.")

    assert len(search.search_posts(AnonymousUser(), "crema", limit=5)) == 5
    assert len(Client().get("/api/v1/search", {"q": "crema", "limit": 1000}).json()) == 13


def test_the_query_is_built_from_words_only_on_both_databases():
    assert search.fts5_query('milk "foam" AND -x') == '"milk" "foam" "and" "x"*'
    assert search.postgres_query("Milk 'foam' | !x:*") == "milk & foam & x:*"
    assert search.fts5_query("  ") == "" and search.postgres_query(" ") == ""
