"""Reading a Stack Exchange data dump: every row checked before anything is written.

The files are parsed by expat in chunks, one `<row/>` at a time, so no tree is built;
a malformed file or a row without a required attribute is refused with the file's path
and the line. `read_dump` returns what the writer in `stackexchange.py` needs and no more.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from xml.parsers import expat

from django.utils import timezone

COMMUNITY_ID = "-1"
QUESTION, ANSWER, UP_VOTE = "1", "2", "2"
_INT_RE = re.compile(r"-?\d{1,18}")
_TAGS_RE = re.compile(r"<([^<>]+)>")
# Dump folders are named after the site's host; a few hosts are not *.stackexchange.com.
SITE_NAMES = {
    "stackoverflow.com": "Stack Overflow",
    "meta.stackoverflow.com": "Meta Stack Overflow",
    "superuser.com": "Super User",
    "serverfault.com": "Server Fault",
    "askubuntu.com": "Ask Ubuntu",
    "mathoverflow.net": "MathOverflow",
    "stackapps.com": "Stack Apps",
}

R = TypeVar("R")


class ImportError_(Exception):
    """The dump cannot be imported; the message names the file and line when it can."""


@dataclass(frozen=True)
class Site:
    """Where a dump comes from; `key` tells its rows apart from other sites' rows."""

    key: str
    name: str
    url: str


@dataclass(slots=True)
class DumpMember:
    id: str
    name: str
    about: str = ""
    website: str = ""
    joined: datetime | None = None


@dataclass(slots=True)
class DumpPost:
    id: str
    kind: str
    owner: str
    created: datetime
    body: str
    score: int
    edited: datetime | None
    parent: str = ""
    title: str = ""
    tags: list[str] = field(default_factory=list)
    accepted: str = ""
    views: int = 0
    closed: bool = False


@dataclass(slots=True)
class DumpComment:
    id: str
    post: str
    owner: str
    created: datetime
    text: str


@dataclass
class Dump:
    site: Site
    posts: list[DumpPost]
    members: dict[str, DumpMember] | None
    comments: list[DumpComment]
    up_votes: Counter[str] | None
    voters: list[tuple[str, str, datetime]]
    tag_names: list[str]
    licences: set[str]
    badges: int
    skipped: int


# Up-votes per post id (None without Votes.xml), and the up-votes that name their voter.
Votes = tuple[Counter[str] | None, list[tuple[str, str, datetime]]]


class _Row:
    """One row of a dump file, with where it came from, for errors that point at it."""

    __slots__ = ("attrs", "line", "path")

    def __init__(self, path: Path, line: int, attrs: dict[str, str]) -> None:
        self.path, self.line, self.attrs = path, line, attrs

    def fail(self, message: str) -> ImportError_:
        return ImportError_(f"{self.path}, line {self.line}: {message}")

    def text(self, name: str, default: str | None = None) -> str:
        value = self.attrs.get(name)
        if value is None:
            if default is None:
                raise self.fail(f"the row has no {name} attribute.")
            return default
        return value

    def id(self, name: str, required: bool = True) -> str:
        value = self.attrs.get(name)
        if value is None and not required:
            return ""
        value = self.text(name).strip()
        if not _INT_RE.fullmatch(value):
            raise self.fail(f"{name} should be a whole number, not {value[:40]!r}.")
        return value

    def number(self, name: str) -> int:
        value = self.attrs.get(name, "").strip()
        return int(value) if _INT_RE.fullmatch(value) else 0

    def date(self, name: str, required: bool = True) -> datetime | None:
        value = self.attrs.get(name)
        if value is None and not required:
            return None
        value = self.text(name)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{name} should be a date, not {value[:40]!r}.") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _rows(path: Path) -> Iterator[_Row]:
    """The `<row/>` elements of a dump file in order, parsed in chunks so memory stays flat."""
    parser = expat.ParserCreate()
    pending: list[_Row] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            pending.append(_Row(path, parser.CurrentLineNumber, attrs))

    def refuse_entities(*_declaration: object) -> None:
        # A dump never declares entities; refusing them rules out entity-expansion bombs.
        raise ImportError_(f"{path}, line {parser.CurrentLineNumber}: a dump file may not "
                           "declare entities.")

    parser.StartElementHandler = start
    parser.EntityDeclHandler = refuse_entities

    def feed(chunk: bytes, final: bool) -> None:
        try:
            parser.Parse(chunk, final)
        except expat.ExpatError as error:
            raise ImportError_(f"{path}, line {error.lineno}, column {error.offset + 1}: "
                               f"{expat.ErrorString(error.code)}.") from None

    with path.open("rb") as file:
        while chunk := file.read(1 << 16):
            feed(chunk, False)
            yield from pending
            pending.clear()
    feed(b"", True)
    yield from pending


def _unique(rows: Iterable[_Row], key: str = "Id") -> Iterator[tuple[_Row, str]]:
    seen: set[str] = set()
    for row in rows:
        row_id = row.id(key)
        if row_id in seen:
            raise row.fail(f"{key} {row_id} appears twice.")
        seen.add(row_id)
        yield row, row_id


def _tags(raw: str) -> list[str]:
    names = _TAGS_RE.findall(raw) if "<" in raw else raw.split("|")
    tags: list[str] = []
    for name in names:
        name = "-".join(name.strip().lower().split())[:50]
        if name and name not in tags:
            tags.append(name)
    return tags


def _read_posts(path: Path, licences: set[str]) -> tuple[list[DumpPost], int]:
    posts: list[DumpPost] = []
    skipped = 0
    for row, post_id in _unique(_rows(path)):
        kind = row.id("PostTypeId")
        created = row.date("CreationDate")
        if kind not in (QUESTION, ANSWER):
            skipped += 1
            continue
        assert created is not None
        owner = row.id("OwnerUserId", False) or COMMUNITY_ID
        post = DumpPost(id=post_id, kind=kind, owner=owner, created=created,
                        body=row.text("Body"), score=row.number("Score"),
                        edited=row.date("LastEditDate", False))
        if kind == QUESTION:
            post.title = " ".join(row.text("Title").split())[:200]
            if not post.title:
                raise row.fail("the question has an empty Title.")
            post.tags = _tags(row.text("Tags", ""))
            post.accepted = row.id("AcceptedAnswerId", False)
            post.views = max(row.number("ViewCount"), 0)
            post.closed = "ClosedDate" in row.attrs
        else:
            post.parent = row.id("ParentId")
        licences.add(row.text("ContentLicense", ""))
        posts.append(post)
    return posts, skipped


def _read_members(path: Path) -> dict[str, DumpMember]:
    members: dict[str, DumpMember] = {}
    for row, user_id in _unique(_rows(path)):
        members[user_id] = DumpMember(id=user_id, name=row.text("DisplayName", ""),
                                      about=row.text("AboutMe", ""),
                                      website=row.text("WebsiteUrl", ""),
                                      joined=row.date("CreationDate", False))
    return members


def _read_comments(path: Path, licences: set[str]) -> list[DumpComment]:
    comments: list[DumpComment] = []
    for row, comment_id in _unique(_rows(path)):
        created = row.date("CreationDate")
        assert created is not None
        comments.append(DumpComment(id=comment_id, post=row.id("PostId"),
                                    owner=row.id("UserId", False) or COMMUNITY_ID,
                                    created=created, text=row.text("Text")))
        licences.add(row.text("ContentLicense", ""))
    return comments


def _read_votes(path: Path) -> Votes:
    up_votes: Counter[str] = Counter()
    voters: list[tuple[str, str, datetime]] = []
    for row, _vote_id in _unique(_rows(path)):
        post_id = row.id("PostId")
        if row.id("VoteTypeId") != UP_VOTE:
            continue
        up_votes[post_id] += 1
        voter = row.id("UserId", False)
        if voter:
            voters.append((post_id, voter, row.date("CreationDate", False) or timezone.now()))
    return up_votes, voters


def _read_tag_names(path: Path) -> list[str]:
    return [name for row in _rows(path) for name in _tags(f"<{row.text('TagName')}>")]


def site_of(folder: Path, host: str | None = None) -> Site:
    """The site a dump comes from, named after its folder as the official dumps are
    ("history.meta.stackexchange.com"); "stackexchange-history-meta" is read the same way,
    and a trailing "-sample" is ignored so that a sample and its full dump are one source."""
    if host is None:
        name = re.sub(r"([-_.]sample)?(\.7z)?$", "", folder.resolve().name.lower())
        short = re.fullmatch(r"stackexchange[-_]([a-z0-9-]+)", name)
        if short:
            host = short.group(1).replace("-", ".") + ".stackexchange.com"
        elif re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", name):
            host = name
        else:
            key = re.sub(r"[^a-z0-9.-]+", "-", name).strip("-")[:26] or "dump"
            return Site(key=key, name="Stack Exchange", url="https://stackexchange.com")
    host = host.lower()
    if host in SITE_NAMES:
        name = SITE_NAMES[host]
    elif host.endswith(".stackexchange.com"):
        name = " ".join(p.capitalize() for p in host.removesuffix(".stackexchange.com")
                        .split(".")) + " Stack Exchange"
    else:
        name = host
    return Site(key=host.removesuffix(".stackexchange.com")[:26], name=name,
                url=f"https://{host}")


def read_dump(folder: Path, host: str | None, say: Callable[[str], None]) -> Dump:
    """Every file of the dump in `folder`, checked; raises ImportError_ at the first fault."""
    if not folder.is_dir():
        raise ImportError_(f"{folder}: no such folder.")
    posts_path = folder / "Posts.xml"
    if not posts_path.is_file():
        raise ImportError_(f"{folder}: Posts.xml is missing; it is the one file a dump needs.")

    def optional(name: str, read: Callable[[Path], R], missing: R) -> R:
        path = folder / name
        if not path.is_file():
            say(f"{name} not found: going without it")
            return missing
        say(f"reading {name}")
        return read(path)

    licences: set[str] = set()
    say("reading Posts.xml")
    posts, skipped = _read_posts(posts_path, licences)
    members: dict[str, DumpMember] | None = optional("Users.xml", _read_members, None)
    comments: list[DumpComment] = optional("Comments.xml",
                                           lambda p: _read_comments(p, licences), [])
    no_votes: Votes = (None, [])
    up_votes, voters = optional("Votes.xml", _read_votes, no_votes)
    return Dump(
        site=site_of(folder, host), posts=posts, members=members, comments=comments,
        up_votes=up_votes, voters=voters,
        tag_names=optional("Tags.xml", _read_tag_names, []),
        licences=licences - {""},
        badges=optional("Badges.xml", lambda p: sum(1 for _ in _rows(p)), 0),
        skipped=skipped,
    )
