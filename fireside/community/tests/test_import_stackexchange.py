"""Importing a Stack Exchange dump: mapping, safety, re-runs, errors and the command."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from fireside import cli
from fireside.community.importers.stackexchange import ImportError_, import_dump, site_of
from fireside.community.models import Post, Reaction, Space, Tag, Thread, ThreadKind
from fireside.demo import SAMPLE_DIR
from fireside.people.models import User
from fireside.testing import make_user

pytestmark = pytest.mark.django_db

FULL_DUMP = Path(__file__).resolve().parents[4] / "shared" / "data" / "stackexchange-history-meta"
SOURCE = "stackexchange:history.meta"

POSTS = [
    {"Id": "1", "PostTypeId": "1", "CreationDate": "2011-10-11T19:42:20.713", "Score": "18",
     "ViewCount": "246", "Title": "Should we include sources in answers?",
     "Body": "<p>Sources make answers <em>credible</em>.</p>", "OwnerUserId": "12",
     "Tags": "<discussion><answers>", "AnswerCount": "2", "AcceptedAnswerId": "3",
     "ContentLicense": "CC BY-SA 3.0"},
    {"Id": "2", "PostTypeId": "2", "ParentId": "1", "CreationDate": "2011-10-11T19:44:27.657",
     "Score": "5", "Body": "<p>Yes, always.</p>", "OwnerUserId": "31",
     "ContentLicense": "CC BY-SA 3.0"},
    {"Id": "3", "PostTypeId": "2", "ParentId": "1", "CreationDate": "2011-10-12T08:00:00.000",
     "Score": "9", "Body": "<p>Yes, and link them.</p>", "OwnerUserId": "12",
     "LastEditDate": "2011-10-13T08:00:00.000", "ContentLicense": "CC BY-SA 4.0"},
    {"Id": "4", "PostTypeId": "5", "CreationDate": "2012-05-08T16:49:36.217",
     "OwnerUserId": "-1", "ContentLicense": "CC BY-SA 3.0"},
    {"Id": "5", "PostTypeId": "1", "CreationDate": "2012-01-01T10:00:00.000", "Score": "2",
     "Title": "Is this on topic?", "Body": "<p>Asking for a friend.</p>",
     "Tags": "|support|", "ClosedDate": "2012-01-02T10:00:00.000",
     "ContentLicense": "CC BY-SA 3.0"},
]
USERS = [
    {"Id": "-1", "DisplayName": "Community", "CreationDate": "2011-10-11T18:15:53.000"},
    {"Id": "12", "DisplayName": "Sorcerer Blob", "CreationDate": "2011-10-11T19:28:10.000",
     "AboutMe": "<p>Table-top gamer.</p><script>alert(1)</script>",
     "WebsiteUrl": "http://example.com/blob"},
    {"Id": "31", "DisplayName": "René Nyffenegger", "CreationDate": "2011-10-11T19:30:00.000"},
]
COMMENTS = [
    {"Id": "1", "PostId": "1", "Text": "Good question, see [the FAQ](https://example.com/faq).",
     "CreationDate": "2011-10-11T19:50:34.047", "UserId": "31"},
    {"Id": "2", "PostId": "3", "Text": "Thanks!", "CreationDate": "2011-10-14T09:00:00.000",
     "UserId": "12"},
]
VOTES = [
    {"Id": "1", "PostId": "2", "VoteTypeId": "2", "CreationDate": "2011-10-11T00:00:00.000"},
    {"Id": "2", "PostId": "2", "VoteTypeId": "2", "CreationDate": "2011-10-11T00:00:00.000"},
    {"Id": "3", "PostId": "3", "VoteTypeId": "2", "CreationDate": "2011-10-12T00:00:00.000"},
    {"Id": "4", "PostId": "3", "VoteTypeId": "3", "CreationDate": "2011-10-12T00:00:00.000"},
    {"Id": "5", "PostId": "3", "VoteTypeId": "1", "CreationDate": "2011-10-12T00:00:00.000"},
    {"Id": "6", "PostId": "999", "VoteTypeId": "2", "CreationDate": "2011-10-12T00:00:00.000"},
]
TAGS = [{"Id": "1", "TagName": "discussion"}, {"Id": "2", "TagName": "answers"},
        {"Id": "3", "TagName": "support"}]


def _xml(root: str, rows: list[dict[str, str]]) -> str:
    lines = [f"  <row {' '.join(f'{k}={quoteattr(v)}' for k, v in row.items())} />"
             for row in rows]
    return "\n".join(['\ufeff<?xml version="1.0" encoding="utf-8"?>', f"<{root}>", *lines,
                      f"</{root}>", ""])


def write_dump(folder: Path, **files: list[dict[str, str]]) -> Path:
    """A dump folder holding the given files, e.g. `posts=[...]` becomes Posts.xml."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (folder / f"{name.capitalize()}.xml").write_text(_xml(name, rows), encoding="utf-8")
    return folder


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    return write_dump(tmp_path / "history.meta.stackexchange.com", posts=POSTS, users=USERS,
                      comments=COMMENTS, votes=VOTES, tags=TAGS)


def _ext(external_id: str) -> Post:
    return Post.objects.get(external_source=SOURCE, external_id=external_id)


def test_questions_answers_and_comments_become_threads_and_replies_with_their_dates(dump):
    report = import_dump(dump, space_slug="archive")

    assert (report.questions, report.answers, report.comments, report.members) == (2, 2, 2, 3)
    thread = Thread.objects.get(external_source=SOURCE, external_id="post:1")
    assert thread.kind == ThreadKind.QUESTION
    assert thread.title == "Should we include sources in answers?"
    assert thread.space.slug == "archive"
    assert thread.author.display_name == "Sorcerer Blob"
    assert thread.created_at == datetime(2011, 10, 11, 19, 42, 20, 713000, tzinfo=UTC)
    assert thread.view_count == 246
    posts = list(thread.posts.order_by("created_at", "id"))
    assert [p.external_id for p in posts] == ["post:1", "post:2", "comment:1", "post:3",
                                              "comment:2"]
    assert posts[0].is_opening and not any(p.is_opening for p in posts[1:])
    assert posts[2].reply_to_id == posts[0].pk
    assert posts[4].reply_to_id == posts[3].pk
    assert posts[3].edited_at == datetime(2011, 10, 13, 8, 0, tzinfo=UTC)
    assert thread.last_activity_at == datetime(2011, 10, 14, 9, 0, tzinfo=UTC)
    assert '<a href="https://example.com/faq"' in posts[2].body_html
    assert posts[2].body_text.startswith("Good question, see the FAQ")


def test_the_accepted_answer_stays_accepted_and_tags_are_kept(dump):
    import_dump(dump, space_slug="archive")

    thread = Thread.objects.get(external_id="post:1")
    assert thread.accepted_post == _ext("post:3")
    assert sorted(thread.tags.values_list("name", flat=True)) == ["answers", "discussion"]
    closed = Thread.objects.get(external_id="post:5")
    assert list(closed.tags.values_list("name", flat=True)) == ["support"]
    assert closed.is_locked and closed.accepted_post is None
    assert Tag.objects.filter(name__in=["answers", "discussion", "support"]).count() == 3


def test_posts_of_other_types_and_votes_on_missing_posts_are_skipped(dump):
    report = import_dump(dump, space_slug="archive")

    assert report.skipped_posts == 1
    assert not Post.objects.filter(external_id="post:4").exists()
    assert "1 post of other types (tag wikis) skipped" in report.summary()


def test_up_votes_become_like_counts_when_the_dump_does_not_name_the_voters(dump):
    import_dump(dump, space_slug="archive")

    assert _ext("post:2").like_count == 2
    assert _ext("post:3").like_count == 1
    assert not Reaction.objects.exists()


def test_up_votes_that_name_their_voter_become_reactions(tmp_path):
    votes = [{**VOTES[0], "UserId": "31"}, {**VOTES[2], "UserId": "77"}]
    folder = write_dump(tmp_path / "dump", posts=POSTS, users=USERS, votes=votes)

    report = import_dump(folder, space_slug="archive")

    assert report.reactions == 2
    assert Reaction.objects.filter(post__external_id="post:2", user__external_id="31",
                                   kind="like").exists()
    assert User.objects.get(external_id="77").username == "user77"


def test_without_votes_the_positive_score_is_the_like_count(tmp_path):
    folder = write_dump(tmp_path / "dump", posts=POSTS, users=USERS)

    import_dump(folder, space_slug="archive")

    assert Post.objects.get(external_id="post:3").like_count == 9
    assert Post.objects.get(external_id="post:1").like_count == 18


def test_counters_are_true_after_an_import(dump):
    import_dump(dump, space_slug="archive")

    space = Space.objects.get(slug="archive")
    assert (space.thread_count, space.post_count) == (2, 6)
    assert space.last_activity_at == datetime(2012, 1, 1, 10, 0, tzinfo=UTC)
    assert Thread.objects.get(external_id="post:1").reply_count == 4
    assert Thread.objects.get(external_id="post:5").reply_count == 0
    blob = User.objects.get(external_id="12")
    assert (blob.post_count, blob.accepted_count) == (3, 1)
    rene = User.objects.get(external_id="31")
    assert (rene.post_count, rene.accepted_count) == (2, 0)


def test_the_space_is_created_public_and_credits_the_source_and_licence(dump):
    report = import_dump(dump, space_slug="archive")

    space = Space.objects.get(slug="archive")
    assert report.space_created
    assert space.visibility == "public"
    assert space.name == "History Meta Stack Exchange"
    assert space.purpose.startswith("Imported from History Meta Stack Exchange")
    assert "https://history.meta.stackexchange.com" in space.attribution
    assert "CC BY-SA 3.0" in space.attribution and "CC BY-SA 4.0" in space.attribution
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in space.attribution


def test_an_existing_space_is_kept_and_gains_the_attribution_once(dump):
    Space.objects.create(slug="archive", name="Old answers", purpose="Our history.",
                         attribution="Photos by our members.")

    import_dump(dump, space_slug="archive", space_name="Ignored")
    import_dump(dump, space_slug="archive")

    space = Space.objects.get(slug="archive")
    assert space.name == "Old answers"
    assert space.attribution.startswith("Photos by our members.\nContent from History Meta")
    assert space.attribution.count("Content from") == 1


def test_a_second_run_imports_nothing_twice(dump):
    import_dump(dump, space_slug="archive")
    counts = (User.objects.count(), Thread.objects.count(), Post.objects.count())

    again = import_dump(dump, space_slug="archive")

    assert (again.questions, again.answers, again.comments, again.members) == (0, 0, 0, 0)
    assert again.already_present == 2 + 2 + 2 + 3
    assert (User.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
    assert Space.objects.get(slug="archive").post_count == 6
    assert "(9 already present)" in again.summary()


def test_a_newer_dump_adds_only_new_answers_to_the_existing_thread(tmp_path, dump):
    import_dump(dump, space_slug="archive")
    newer = [*POSTS, {"Id": "6", "PostTypeId": "2", "ParentId": "1", "Score": "0",
                      "CreationDate": "2013-01-01T00:00:00.000", "Body": "<p>Late.</p>",
                      "OwnerUserId": "31"}]
    write_dump(dump, posts=newer)

    report = import_dump(dump, space_slug="elsewhere")

    thread = Thread.objects.get(external_id="post:1")
    assert (report.questions, report.answers) == (0, 1)
    assert _ext("post:6").thread == thread
    assert thread.reply_count == 5
    assert thread.last_activity_at == datetime(2013, 1, 1, tzinfo=UTC)
    assert Space.objects.get(slug="archive").post_count == 7


def test_a_missing_users_file_gives_placeholder_members_named_after_their_ids(tmp_path):
    folder = write_dump(tmp_path / "dump", posts=POSTS, comments=COMMENTS)

    report = import_dump(folder, space_slug="archive")

    assert report.members == report.placeholders == 3
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "community", "user12", "user31"]
    assert Thread.objects.get(external_id="post:5").author.username == "community"
    assert "3 placeholder members" in report.summary()


def test_posts_without_an_owner_go_to_the_community_member(dump):
    import_dump(dump, space_slug="archive")

    closed = Thread.objects.get(external_id="post:5")
    assert closed.author.external_id == "-1"
    assert closed.author.display_name == "Community"


def test_imported_members_cannot_log_in_until_they_claim_their_account(dump):
    import_dump(dump, space_slug="archive")

    member = User.objects.get(external_id="12")
    assert not member.is_claimed
    assert not member.has_usable_password()
    assert authenticate(username=member.username, password="") is None
    assert not Client().login(username=member.username, password="")
    assert member.date_joined == datetime(2011, 10, 11, 19, 28, 10, tzinfo=UTC)
    assert member.bio == "Table-top gamer."
    assert member.links == ["http://example.com/blob"]


def test_handles_are_unique_valid_and_made_from_display_names(tmp_path):
    make_user("sorcerer_blob")
    users = [*USERS, {"Id": "40", "DisplayName": "Sorcerer Blob"},
             {"Id": "41", "DisplayName": "Gᴇᴏᴍᴇᴛᴇʀ"}, {"Id": "42", "DisplayName": "x" * 60}]
    folder = write_dump(tmp_path / "dump", posts=POSTS, users=users)

    import_dump(folder, space_slug="archive")

    handles = dict(User.objects.filter(external_source="stackexchange:dump")
                   .values_list("external_id", "username"))
    assert handles["12"] == "sorcerer_blob_2"
    assert handles["40"] == "sorcerer_blob_3"
    assert handles["31"] == "rene_nyffenegger"
    assert handles["41"] == "user41"
    assert handles["42"] == "x" * 30


def test_a_script_or_an_event_handler_in_an_imported_body_does_not_survive(tmp_path):
    evil = [{**POSTS[0], "Body": '<p onclick="steal()">Hi<script>alert(1)</script>'
                                 '<img src="x" onerror="alert(2)"><a href="javascript:x()">'
                                 "link</a></p>"},
            {**POSTS[1], "Body": "<iframe src='https://evil.example'></iframe><p>ok</p>"}]
    comments = [{**COMMENTS[0], "Text": "<script>alert(3)</script> [x](javascript:alert(4))"}]
    folder = write_dump(tmp_path / "dump", posts=evil, users=USERS, comments=comments)

    import_dump(folder, space_slug="archive")

    for post in Post.objects.all():
        for field in (post.body_html, post.body if not post.reply_to_id else ""):
            lowered = field.lower()
            for danger in ("<script", "onerror=", "onclick=", 'href="javascript:', "<iframe"):
                assert danger not in lowered
    assert "&lt;script&gt;" in Post.objects.get(external_id="comment:1").body_html


def test_a_malformed_file_is_refused_with_its_name_and_line_and_nothing_is_written(dump):
    text = (dump / "Comments.xml").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace('Text="', 'Text="<b>')
    (dump / "Comments.xml").write_text("\n".join(text), encoding="utf-8")

    with pytest.raises(ImportError_) as error:
        import_dump(dump, space_slug="archive")

    assert "Comments.xml, line 4, column" in str(error.value)
    assert not Space.objects.exists() and not User.objects.exists()
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_a_row_without_a_required_attribute_is_refused_with_its_line(tmp_path):
    posts = [POSTS[0], {k: v for k, v in POSTS[1].items() if k != "Body"}]
    folder = write_dump(tmp_path / "dump", posts=posts)

    with pytest.raises(ImportError_, match=r"Posts\.xml, line 4: the row has no Body"):
        import_dump(folder, space_slug="archive")
    assert not Thread.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("CreationDate", "yesterday", "CreationDate should be a date"),
    ("Id", "abc", "Id should be a whole number"),
    ("Title", "   ", "empty Title"),
])
def test_a_row_with_a_bad_value_is_refused(tmp_path, field, value, message):
    folder = write_dump(tmp_path / "dump", posts=[{**POSTS[0], field: value}])

    with pytest.raises(ImportError_, match=message):
        import_dump(folder, space_slug="archive")


def test_a_repeated_id_is_refused(tmp_path):
    folder = write_dump(tmp_path / "dump", posts=[POSTS[0], POSTS[0]])

    with pytest.raises(ImportError_, match="line 4: Id 1 appears twice"):
        import_dump(folder, space_slug="archive")


def test_entity_declarations_are_refused(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "Posts.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "aaaaaaaaaa">]>\n<posts>\n'
        '<row Id="1" PostTypeId="1" CreationDate="2011-01-01T00:00:00" Title="x" Body="&a;"/>'
        "\n</posts>\n")

    with pytest.raises(ImportError_, match=r"Posts\.xml, line 2: a dump file may not declare"):
        import_dump(folder, space_slug="archive")


def test_a_missing_folder_or_posts_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImportError_, match="no such folder"):
        import_dump(tmp_path / "nowhere", space_slug="archive")
    with pytest.raises(ImportError_, match=r"Posts\.xml is missing"):
        import_dump(tmp_path, space_slug="archive")
    with pytest.raises(ImportError_, match="not a space slug"):
        import_dump(tmp_path, space_slug="no spaces/here")


def test_progress_is_reported_when_asked(dump):
    progress = io.StringIO()

    import_dump(dump, space_slug="archive", progress=progress)

    assert "reading Posts.xml" in progress.getvalue()
    assert "Badges.xml not found" in progress.getvalue()


@pytest.mark.parametrize(("folder", "key", "name"), [
    ("history.meta.stackexchange.com", "history.meta", "History Meta Stack Exchange"),
    ("stackexchange-history-meta", "history.meta", "History Meta Stack Exchange"),
    ("stackexchange-history-meta-sample", "history.meta", "History Meta Stack Exchange"),
    ("superuser.com", "superuser.com", "Super User"),
    ("my dump", "my-dump", "Stack Exchange"),
])
def test_the_site_is_read_from_the_folder_name(folder, key, name):
    site = site_of(Path("/data") / folder)

    assert (site.key, site.name) == (key, name)


def test_the_command_prints_the_summary_and_exits_0(dump, capsys):
    code = cli.main(["import", "stackexchange", str(dump), "--space", "x"])

    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported 2 questions, 2 answers, 2 comments and 3 members "
                          "(0 already present) into History Meta Stack Exchange")
    assert Space.objects.filter(slug="x").exists()


def test_the_command_exits_non_zero_with_a_message_for_a_missing_folder(tmp_path, capsys):
    code = cli.main(["import", "stackexchange", str(tmp_path / "nowhere"), "--space", "x"])

    assert code != 0
    assert "no such folder" in capsys.readouterr().err
    assert not Space.objects.exists()


def test_the_shipped_sample_imports_with_its_attribution():
    assert (SAMPLE_DIR / "README.md").read_text().count("CC BY-SA 4.0") >= 1

    report = import_dump(SAMPLE_DIR, space_slug="history-meta-archive",
                         space_name="History Meta archive")

    assert (report.questions, report.answers, report.comments) == (40, 55, 99)
    assert report.members == User.objects.filter(external_source=SOURCE).count() > 0
    assert Thread.objects.filter(accepted_post__isnull=False).count() == 34
    space = Space.objects.get(slug="history-meta-archive")
    assert space.name == "History Meta archive"
    assert "History Meta Stack Exchange" in space.attribution
    assert import_dump(SAMPLE_DIR, space_slug="history-meta-archive").questions == 0


@pytest.mark.skipif(not (FULL_DUMP / "Posts.xml").exists(), reason="no ../shared/data here")
def test_the_full_history_meta_dump_imports():
    report = import_dump(FULL_DUMP, space_slug="history-meta")

    assert (report.questions, report.answers, report.comments, report.members) == (
        786, 1459, 5176, 3839)
    assert Thread.objects.filter(accepted_post__isnull=False).count() == 266
    space = Space.objects.get(slug="history-meta")
    assert (space.thread_count, space.post_count) == (786, 786 + 1459 + 5176)
