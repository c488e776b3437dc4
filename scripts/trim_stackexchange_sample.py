"""Trim the History Meta Stack Exchange dump into the demo's small sample.

Picks 40 questions deterministically: the 34 highest-scored questions with an accepted
answer and the 6 highest-scored with answers but none accepted (ties broken by Id),
among threads whose rows (question, answers, comments, votes) take at most 6 KB, so
that the sample stays under 300 KB. Keeps those questions with all their answers,
comments and votes, the users they name and the tags they use. Rows are copied byte for
byte, line by line: a subset of rows, otherwise unchanged. Usage:

    python scripts/trim_stackexchange_sample.py [--source DIR] [--output DIR]
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "stackexchange-history-meta"
OUTPUT = ROOT / "fireside" / "demo" / "data" / "stackexchange-history-meta-sample"
WITH_ACCEPTED, WITHOUT_ACCEPTED, MAX_THREAD_BYTES = 34, 6, 6000
COMMUNITY_ID = "-1"

Row = tuple[dict[str, str], bytes]

README = """\
# History Meta Stack Exchange: a trimmed sample

A small part of the [History Meta Stack Exchange](https://history.meta.stackexchange.com)
data dump, which the demo organization loads into its *History Meta archive* space through
`fireside import stackexchange`.

- **Source**: the History Meta Stack Exchange data dump (posts, users, comments, votes and
  tags, 2011-2023), published by Stack Exchange, Inc., as republished in
  github.com/VanAnDuong/Text-analysis-for-the-History-Stack-Exchange; `Posts.xml` there was
  rebuilt row for row from that repository's `Posts.csv` in the dump's own XML form.
- **Authors**: the members of History Meta Stack Exchange who wrote each post and comment;
  each row names its author (`OwnerUserId`, `UserId`) and `Users.xml` gives their names.
- **Licence**: [CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/), and
  [CC BY-SA 3.0](https://creativecommons.org/licenses/by-sa/3.0/) for older rows: each post
  and comment states its own licence in its `ContentLicense` attribute.
- **Changes**: trimmed by Fireside: a subset of rows, otherwise unchanged. The rows are
  {questions} questions with their {answers} answers, {comments} comments and {votes} votes,
  the {users} users they name and the {tags} tags they use, copied byte for byte.
  `scripts/trim_stackexchange_sample.py` makes this folder again from the full dump.

Fireside shows this attribution in the space and on its *About & credits* page. If you
redistribute these files, keep this notice with them.
"""


def read(path: Path) -> tuple[list[bytes], list[Row], list[bytes]]:
    """A dump file's lines before its rows, its rows (attributes and exact bytes), and after."""
    head: list[bytes] = []
    rows: list[Row] = []
    tail: list[bytes] = []
    for line in path.read_bytes().splitlines(keepends=True):
        text = line.strip().removeprefix(b"\xef\xbb\xbf")
        if text.startswith(b"<row"):
            if tail:
                raise SystemExit(f"{path}: a row after the closing tag")
            rows.append((ET.fromstring(text).attrib, line))  # noqa: S314 - a maintainer's own copy
        elif rows:
            tail.append(line)
        else:
            head.append(line)
    return head, rows, tail


def write(path: Path, source: Path, keep: Callable[[dict[str, str]], bool]) -> int:
    head, rows, tail = read(source)
    kept = [line for attrs, line in rows if keep(attrs)]
    path.write_bytes(b"".join(head + kept + tail))
    return len(kept)


def choose(posts: list[Row], comments: list[Row], votes: list[Row]) -> set[str]:
    thread_of = {a["Id"]: a.get("ParentId") or a["Id"] for a, _ in posts}
    size: Counter[str] = Counter()
    for attrs, line in posts:
        size[thread_of[attrs["Id"]]] += len(line)
    for attrs, line in comments + votes:
        if attrs["PostId"] in thread_of:
            size[thread_of[attrs["PostId"]]] += len(line)
    questions = sorted((a for a, _ in posts if a["PostTypeId"] == "1"
                        and size[a["Id"]] <= MAX_THREAD_BYTES and int(a.get("AnswerCount", 0))),
                       key=lambda a: (-int(a["Score"]), int(a["Id"])))
    accepted = [a["Id"] for a in questions if a.get("AcceptedAnswerId")][:WITH_ACCEPTED]
    open_ = [a["Id"] for a in questions if not a.get("AcceptedAnswerId")][:WITHOUT_ACCEPTED]
    return set(accepted + open_)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    src: Path = args.source
    if not (src / "Posts.xml").is_file():
        print(f"error: no dump in {src} (set --source)", file=sys.stderr)
        return 2
    _, posts, _ = read(src / "Posts.xml")
    _, comments, _ = read(src / "Comments.xml")
    _, votes, _ = read(src / "Votes.xml")
    questions = choose(posts, comments, votes)
    kept_posts = [a for a, _ in posts if a["Id"] in questions or a.get("ParentId") in questions]
    post_ids = {a["Id"] for a in kept_posts}
    kept_comments = [a for a, _ in comments if a["PostId"] in post_ids]
    users = ({a.get("OwnerUserId", COMMUNITY_ID) for a in kept_posts}
             | {a.get("UserId", COMMUNITY_ID) for a in kept_comments})
    tags = {t for a in kept_posts for t in a.get("Tags", "").strip("<>|").replace("|", "><")
            .split("><") if t}

    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    counts = {
        "posts": write(out / "Posts.xml", src / "Posts.xml", lambda a: a["Id"] in post_ids),
        "comments": write(out / "Comments.xml", src / "Comments.xml",
                          lambda a: a["PostId"] in post_ids),
        "votes": write(out / "Votes.xml", src / "Votes.xml", lambda a: a["PostId"] in post_ids),
        "users": write(out / "Users.xml", src / "Users.xml", lambda a: a["Id"] in users),
        "tags": write(out / "Tags.xml", src / "Tags.xml", lambda a: a["TagName"] in tags),
    }
    (out / "README.md").write_text(README.format(
        questions=len(questions), answers=counts["posts"] - len(questions), **counts))
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"{out}: {len(questions)} questions, {counts['posts'] - len(questions)} answers, "
          f"{counts['comments']} comments, {counts['votes']} votes, {counts['users']} users, "
          f"{counts['tags']} tags; {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
