"""Import a Stack Exchange data dump into a space.

`import_dump` first reads and checks every file (`stackexchange_dump.py`: streamed, a
malformed file refused with its name and line), and only then writes everything in one
transaction with `bulk_create`, so a failure leaves nothing half-written.

How the dump maps onto Fireside:

- A question (PostTypeId 1) becomes a question thread and its opening post; an answer (2)
  a reply in that thread. Other post types (tag wikis, election nominations) are skipped.
  `Body` is required on questions and answers only: tag wikis legitimately lack one.
- A comment becomes a reply to the post it comments on. Its mini-Markdown is rendered
  like a member's post.
- The question's `AcceptedAnswerId` is the accepted answer; accept votes are ignored.
  A question with a `ClosedDate` is locked.
- Up-votes (VoteTypeId 2): public dumps do not name the voter, so a post's `like_count`
  is its number of up-votes. A `Reaction` is created only when an up-vote carries a
  `UserId`. Without Votes.xml, `like_count` is the positive part of the post's Score.
  Down-votes and the other vote types are ignored.
- Users become members who cannot log in until they claim their account: no usable
  password, `is_claimed=False`. Without Users.xml, or for an id Users.xml does not know,
  a placeholder member "user<Id>" stands in. Posts and comments of deleted users (no
  OwnerUserId) go to the site's Community user (Id -1), a placeholder if it is absent.
- HTML bodies are sanitized by nh3. `body` holds the sanitized HTML as well, not the
  dump's raw HTML: the API serves `body` as it is.

The site is named by the dump's folder, as the official dumps are named after the site's
host ("history.meta.stackexchange.com"; see `site_of`), and credited in the space's
attribution with the licences the rows state. Badges.xml is read and counted only: badges
come with rewards.

Every created row carries `external_source="stackexchange:<site>"` and an `external_id`
(the user's Id, "post:<Id>", "comment:<Id>"), so a second run skips what is present, and
a newer dump of the same site adds only what is new: a new answer joins its question's
thread wherever that thread lives now.

Importing history must not notify anyone, so this bypasses the per-row actions and keeps
the counters true by recomputing them at the end, one UPDATE per table, for the threads,
spaces and members of this source.
"""

from __future__ import annotations

import gc
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from fireside.community import markup
from fireside.community.importers.stackexchange_dump import (
    ANSWER,
    COMMUNITY_ID,
    QUESTION,
    Dump,
    DumpMember,
    DumpPost,
    ImportError_,
    Site,
    read_dump,
    site_of,
)
from fireside.community.models import (
    Post,
    Reaction,
    ReactionKind,
    Space,
    Tag,
    Thread,
    ThreadKind,
    Visibility,
)
from fireside.people.models import User

# Rows per INSERT: PostgreSQL takes at most 65,535 parameters a statement, and a member row
# has 27 fields; SQLite batches smaller still by itself.
BATCH = 1000
HANDLE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,29}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
_URL_RE = re.compile(r"https?://\S+")
_NOT_HANDLE_RE = re.compile(r"[^a-z0-9]+")
_LICENCE_RE = re.compile(r"CC BY-SA (\d\.\d)")

T = TypeVar("T")


@dataclass
class ImportReport:
    space_slug: str
    space_name: str
    space_created: bool = False
    questions: int = 0
    answers: int = 0
    comments: int = 0
    members: int = 0
    placeholders: int = 0
    already_present: int = 0
    likes: int = 0
    reactions: int = 0
    tags: int = 0
    badges: int = 0
    skipped_posts: int = 0
    orphans: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Imported {_n(self.questions, 'question')}, {_n(self.answers, 'answer')}, "
            f"{_n(self.comments, 'comment')} and {_n(self.members, 'member')} "
            f"({self.already_present:,} already present) into {self.space_name} "
            f"in {self.seconds:.1f} s."
        ]
        details = []
        if self.likes:
            details.append(f"{_n(self.likes, 'up-vote')} kept as likes")
        if self.reactions:
            details.append(f"{_n(self.reactions, 'reaction')} from named voters")
        if self.placeholders:
            details.append(f"{_n(self.placeholders, 'placeholder member')} for unknown users")
        if self.skipped_posts:
            details.append(f"{_n(self.skipped_posts, 'post')} of other types (tag wikis) skipped")
        if self.orphans:
            details.append(f"{_n(self.orphans, 'answer or comment')} without its post skipped")
        if self.badges:
            details.append(f"{_n(self.badges, 'badge')} read, not imported")
        if details:
            lines.append("; ".join(details).capitalize() + ".")
        return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def _chunks(items: list[T], size: int = BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _attribution(site: Site, licences: set[str]) -> str:
    named = []
    for licence in sorted(licences) or ["CC BY-SA 4.0"]:
        version = _LICENCE_RE.search(licence)
        link = (f" (https://creativecommons.org/licenses/by-sa/{version.group(1)}/)"
                if version else "")
        named.append(f"{licence}{link}")
    return (f"Content from {site.name} ({site.url}), by its authors, licensed "
            f"{' and '.join(named)}. Imported with Fireside.")


def _space(slug: str, name: str | None, site: Site, attribution: str) -> tuple[Space, bool]:
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        last = Space.objects.aggregate(last=Max("position"))["last"]
        purpose = (f"Imported from {site.name} — questions and answers from the community's "
                   f"earlier home.")
        space = Space.objects.create(slug=slug, name=(name or site.name)[:100],
                                     purpose=purpose[:300], visibility=Visibility.PUBLIC,
                                     attribution=attribution,
                                     position=0 if last is None else last + 1)
        return space, True
    # Credit is required for CC BY-SA content: keep one line per source, newest wording.
    prefix = f"Content from {site.name} ("
    lines = [line for line in space.attribution.splitlines() if not line.startswith(prefix)]
    updated = "\n".join([*lines, attribution]).strip()
    if updated != space.attribution:
        space.attribution = updated
        space.save(update_fields=["attribution"])
    return space, False


class _Handles:
    """Unique @handles for new members, derived from display names."""

    def __init__(self) -> None:
        self.taken = {h.lower() for h in User.objects.values_list("username", flat=True)}

    def make(self, display_name: str, fallback: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore")
        base = _NOT_HANDLE_RE.sub("_", ascii_name.decode().lower()).strip("_")[:30]
        if len(base) < 2:
            base = fallback
        handle, n = base, 1
        while handle in self.taken:
            n += 1
            suffix = f"_{n}"
            handle = base[:30 - len(suffix)] + suffix
        assert HANDLE_RE.match(handle), handle
        self.taken.add(handle)
        return handle


def _new_member(member: DumpMember, source: str, handles: _Handles) -> User:
    fallback = "community" if member.id == COMMUNITY_ID else f"user{member.id}"
    display_name = " ".join(member.name.split())[:80]
    handle = handles.make(display_name, fallback)
    bio = markup.html_to_text(markup.sanitize_html(member.about))[:4000] if member.about else ""
    website = member.website.strip()
    links = [website] if _URL_RE.fullmatch(website) and len(website) <= 200 else []
    # What set_unusable_password() stores, made with one call to secrets instead of forty
    # to random.choice: it is most of the time spent on a dump's members.
    password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)
    return User(username=handle, display_name=display_name or handle, bio=bio, links=links,
                password=password, date_joined=member.joined or timezone.now(),
                is_claimed=False, external_source=source, external_id=member.id)


def _write_members(dump: Dump, source: str, referenced: set[str],
                   report: ImportReport) -> dict[str, int]:
    known = dict(User.objects.filter(external_source=source)
                 .values_list("external_id", "pk"))
    wanted = dict(dump.members or {})
    for member_id in sorted(referenced - wanted.keys(), key=int):
        name = "Community" if member_id == COMMUNITY_ID else f"user{member_id}"
        wanted[member_id] = DumpMember(id=member_id, name=name)
        if member_id not in known:
            report.placeholders += 1
    handles = _Handles()
    new = [_new_member(m, source, handles) for m in wanted.values() if m.id not in known]
    report.already_present += len(wanted) - len(new)
    for user in User.objects.bulk_create(new, batch_size=BATCH):
        known[user.external_id] = user.pk
    report.members = len(new)
    return known


def _write_tags(names: set[str]) -> dict[str, int]:
    ordered = sorted(names)
    Tag.objects.bulk_create([Tag(name=n) for n in ordered], batch_size=BATCH,
                            ignore_conflicts=True)
    ids: dict[str, int] = {}
    for chunk in _chunks(ordered):
        ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "pk"))
    return ids


def _html_post(post: DumpPost, **fields: object) -> Post:
    body_html = markup.sanitize_html(post.body)
    return Post(body=body_html, body_format="html", body_html=body_html,
                body_text=markup.html_to_text(body_html),
                created_at=post.created, edited_at=post.edited, **fields)


def _write(dump: Dump, space_slug: str, space_name: str | None,
           say: Callable[[str], None]) -> ImportReport:
    site, source = dump.site, f"stackexchange:{dump.site.key}"
    space, created = _space(space_slug, space_name, site, _attribution(site, dump.licences))
    report = ImportReport(space_slug=space.slug, space_name=space.name, space_created=created,
                          badges=dump.badges, skipped_posts=dump.skipped)

    post_ids = {p.id for p in dump.posts}
    referenced = {p.owner for p in dump.posts} | {c.owner for c in dump.comments}
    referenced |= {voter for post_id, voter, _ in dump.voters if post_id in post_ids}
    say("writing members")
    members = _write_members(dump, source, referenced, report)

    threads: dict[str, tuple[int, int | None]] = {
        ext: (pk, accepted) for ext, pk, accepted in Thread.objects.filter(
        external_source=source).values_list("external_id", "pk", "accepted_post_id")}
    posts = {ext: (pk, thread) for ext, pk, thread in Post.objects.filter(
        external_source=source).values_list("external_id", "pk", "thread_id")}
    questions = [p for p in dump.posts if p.kind == QUESTION]
    new_questions = [q for q in questions if f"post:{q.id}" not in threads]
    report.already_present += len(questions) - len(new_questions)
    tag_ids = _write_tags({t for q in new_questions for t in q.tags} | set(dump.tag_names))

    say("writing threads")
    new_threads = [Thread(space=space, kind=ThreadKind.QUESTION, title=q.title,
                          author_id=members[q.owner], view_count=q.views, is_locked=q.closed,
                          created_at=q.created, last_activity_at=q.created,
                          external_source=source, external_id=f"post:{q.id}")
                   for q in new_questions]
    for new_thread in Thread.objects.bulk_create(new_threads, batch_size=BATCH):
        threads[new_thread.external_id] = (new_thread.pk, None)
    links = [Thread.tags.through(thread_id=threads[f"post:{q.id}"][0], tag_id=tag_ids[t])
             for q in new_questions for t in q.tags]
    Thread.tags.through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    report.tags = len({t for q in new_questions for t in q.tags})

    say("writing questions and answers")
    likes = dump.up_votes
    new_posts: list[Post] = []
    for post in dump.posts:
        ext = f"post:{post.id}"
        if ext in posts:
            report.already_present += post.kind == ANSWER
            continue
        thread = threads.get(f"post:{post.parent or post.id}")
        if thread is None:
            report.orphans += 1
            continue
        like_count = likes[post.id] if likes is not None else max(post.score, 0)
        new_posts.append(_html_post(post, thread_id=thread[0], author_id=members[post.owner],
                                    is_opening=post.kind == QUESTION, like_count=like_count,
                                    external_source=source, external_id=ext))
        report.answers += post.kind == ANSWER
        report.likes += like_count
    report.questions = len(new_questions)
    for created_post in Post.objects.bulk_create(new_posts, batch_size=BATCH):
        posts[created_post.external_id] = (created_post.pk, created_post.thread_id)

    say("writing comments")
    new_comments: list[Post] = []
    for comment in dump.comments:
        ext = f"comment:{comment.id}"
        if ext in posts:
            report.already_present += 1
            continue
        target = posts.get(f"post:{comment.post}")
        if target is None:
            report.orphans += 1
            continue
        body_html = markup.render_markdown(comment.text)
        new_comments.append(Post(thread_id=target[1], author_id=members[comment.owner],
                                 reply_to_id=target[0], body=comment.text, body_html=body_html,
                                 body_text=markup.html_to_text(body_html),
                                 created_at=comment.created, external_source=source,
                                 external_id=ext))
    Post.objects.bulk_create(new_comments, batch_size=BATCH)
    report.comments = len(new_comments)

    _write_accepted(questions, threads, posts)
    new_ids = {p.external_id for p in new_posts}
    reactions = [Reaction(post_id=posts[f"post:{post_id}"][0], user_id=members[voter],
                          kind=ReactionKind.LIKE, created_at=voted)
                 for post_id, voter, voted in dump.voters if f"post:{post_id}" in new_ids]
    report.reactions = len(Reaction.objects.bulk_create(reactions, batch_size=BATCH,
                                                        ignore_conflicts=True))
    say("counting")
    _recount(source, space)
    return report


def _write_accepted(questions: list[DumpPost], threads: Mapping[str, tuple[int, int | None]],
                    posts: Mapping[str, tuple[int, int]]) -> None:
    """Mark accepted answers, never replacing one that a moderator may have chosen since."""
    accepted = []
    for question in questions:
        thread = threads.get(f"post:{question.id}")
        answer = posts.get(f"post:{question.accepted}") if question.accepted else None
        if thread and answer and thread[1] is None and answer[1] == thread[0]:
            accepted.append(Thread(pk=thread[0], accepted_post_id=answer[0]))
    Thread.objects.bulk_update(accepted, ["accepted_post"], batch_size=BATCH)


def _recount(source: str, space: Space) -> None:
    """Make the counters true for this source's threads, their spaces and its members."""
    def count(queryset: QuerySet[Any], group: str) -> Subquery:
        return Subquery(queryset.order_by().values(group).annotate(n=Count("*")).values("n"))

    Thread.objects.filter(external_source=source).update(
        reply_count=Coalesce(count(Post.objects.filter(thread=OuterRef("pk"), is_opening=False),
                                   "thread"), 0),
        last_activity_at=Coalesce(Subquery(
            Post.objects.filter(thread=OuterRef("pk")).order_by().values("thread")
            .annotate(latest=Max("created_at")).values("latest")), F("created_at")),
    )
    space_ids = {space.pk, *Thread.objects.filter(external_source=source)
                 .values_list("space_id", flat=True).distinct()}
    Space.objects.filter(pk__in=space_ids).update(
        thread_count=Coalesce(count(Thread.objects.filter(
            space=OuterRef("pk"), is_hidden=False, is_deleted=False), "space"), 0),
        post_count=Coalesce(count(Post.objects.filter(thread__space=OuterRef("pk")),
                                  "thread__space"), 0),
        last_activity_at=Subquery(
            Thread.objects.filter(space=OuterRef("pk")).order_by().values("space")
            .annotate(latest=Max("last_activity_at")).values("latest")),
    )
    User.objects.filter(external_source=source).update(
        post_count=Coalesce(count(Post.objects.filter(author=OuterRef("pk")), "author"), 0),
        accepted_count=Coalesce(count(Thread.objects.filter(
            accepted_post__author=OuterRef("pk")), "accepted_post__author"), 0),
    )


@contextmanager
def _without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: tens of thousands of rows held at once make its
    passes a quarter of the import's time, and they find no cycles to free here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_dump(path: Path, *, space_slug: str, space_name: str | None = None,
                progress: TextIO | None = None, site: str | None = None) -> ImportReport:
    """Import the Stack Exchange dump in folder `path` into the space `space_slug`, creating
    the space when it does not exist. `site` is the site's host when the folder's name
    does not say it. Raises ImportError_ before writing anything if a file is malformed."""
    started = time.monotonic()

    def say(text: str) -> None:
        if progress is not None:
            print(text, file=progress, flush=True)

    if not SLUG_RE.match(space_slug or ""):
        raise ImportError_(f"{space_slug!r} is not a space slug: use up to 60 letters, digits, "
                           "dashes or underscores.")
    with _without_gc():
        dump = read_dump(Path(path), site, say)
        with transaction.atomic():
            report = _write(dump, space_slug, space_name, say)
            _analyze_new_posts(space_slug)
    report.seconds = time.monotonic() - started
    return report


def _analyze_new_posts(space_slug: str) -> None:
    """Queue the signals of imported posts that have none yet, in batches, after commit."""
    from fireside.community import tasks

    ids = list(Post.objects.filter(thread__space__slug=space_slug, signals__isnull=True)
               .values_list("id", flat=True))
    chunks = [ids[start:start + 1_000] for start in range(0, len(ids), 1_000)]

    def enqueue() -> None:
        for chunk in chunks:
            tasks.analyze_posts.enqueue(chunk)

    transaction.on_commit(enqueue)


__all__ = ["ImportError_", "ImportReport", "Site", "import_dump", "site_of"]
