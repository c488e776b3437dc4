from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from fireside.care.models import Conversation
from fireside.listening.importers import _when, import_messages, import_twcs, message_rows
from fireside.listening.models import ChannelAccount, Message

pytestmark = pytest.mark.django_db

COMPLAINTS = ["my order never arrived and nobody answers", "the grinder is broken",
              "how do I pause my coffee subscription?", "I love the new espresso roast",
              "the app won't load since this morning", "can't log in to my account at all"]


def _jsonl(path: Path, n: int) -> Path:
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"x{i}", "author": f"user{i % 500}",
                                  "text": COMPLAINTS[i % len(COMPLAINTS)],
                                  "created_at": f"2025-03-03T{9 + (i // 3600) % 10:02d}:"
                                                f"{(i // 60) % 60:02d}:{i % 60:02d}Z"}) + "\n")
    return path


def test_a_messages_file_imports_once_however_often_it_is_run(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "m.jsonl", 50)
    first = import_messages(path, "Shop reviews", workers=1, batch=20)
    assert first.result.stored == 50
    again = import_messages(path, "Shop reviews", workers=1, batch=20)
    assert again.result.stored == 0
    assert Message.objects.count() == 50


def test_a_csv_file_with_a_bare_carriage_return_in_a_text_keeps_it_as_one_row(
        tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,author,text,created_at\n1,ana,the beans\rare stale,2025-03-03T09:00:00Z\n"
                    "2,ben,the grinder is broken,2025-03-03T09:01:00Z\n")
    import_messages(path, "Shop reviews", workers=1)
    assert Message.objects.get(external_id="1").text == "the beans are stale"
    assert Message.objects.count() == 2


def test_twcs_brand_replies_become_the_organizations_first_responses(tmp_path: Path) -> None:
    path = tmp_path / "twcs.csv"
    path.write_text(
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
        "2,EmberCares,False,Tue Oct 31 22:10:00 +0000 2017,@115 Sorry! DM us your order,,1\n"
        "1,115,True,Tue Oct 31 22:00:00 +0000 2017,@EmberCares my order never arrived,2,\n"
        "3,116,True,Tue Oct 31 23:00:00 +0000 2017,@EmberCares the app won't load at all,,\n")
    import_twcs(path, workers=1)
    assert list(ChannelAccount.objects.values_list("handle", flat=True)) == ["EmberCares"]
    answered = Conversation.objects.get(person__identities__handle="115")
    assert answered.first_response_at is not None and answered.message_count == 2
    waiting = Conversation.objects.get(person__identities__handle="116")
    assert waiting.first_response_at is None and waiting.sla_due_at is not None


SCRIPT = """
import os, sys, django
django.setup()
from django.conf import settings
from django.db import connection
if os.environ.get("FIRESIDE_TEST_DB_NAME"):
    settings.DATABASES["default"]["NAME"] = os.environ["FIRESIDE_TEST_DB_NAME"]
from pathlib import Path
if sys.argv[2] == "migrate":
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
else:
    from fireside.listening.importers import import_messages
    import_messages(Path(sys.argv[1]), "Big", workers=1, batch=500)
"""


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_midway_and_run_again_stores_every_message_exactly_once(
        tmp_path: Path) -> None:
    n = 6000
    path = _jsonl(tmp_path / "big.jsonl", n)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
        "DJANGO_SETTINGS_MODULE", "fireside.settings_test")}
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    if sqlite:
        env["FIRESIDE_DATA_DIR"] = str(tmp_path / "data")  # a file another process can open
        env.pop("FIRESIDE_TEST_DB_NAME", None)
    else:
        env["FIRESIDE_TEST_DB_NAME"] = str(settings.DATABASES["default"]["NAME"])

    def run(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", SCRIPT, str(path), *args], env=env)

    def count() -> tuple[int, int, int]:
        query = ("SELECT (SELECT count(*) FROM listening_message), "
                 "(SELECT count(DISTINCT external_id) FROM listening_message), "
                 "(SELECT coalesce(max(rows_done), 0) FROM listening_importrun)")
        if sqlite:
            with sqlite3.connect(tmp_path / "data" / "fireside.sqlite3") as db:
                return db.execute(query).fetchone()  # type: ignore[no-any-return]
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()  # type: ignore[return-value]

    if sqlite:
        run("migrate").wait(timeout=60)
    worker = run("import")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and count()[2] < 1000:
        time.sleep(0.2)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    stored, _distinct, killed_at = count()
    assert 0 < killed_at < n, "the import should have been killed in the middle"
    assert stored == killed_at  # the cursor moved with the data, never ahead of it
    run("import").wait(timeout=60)
    assert tuple(count()) == (n, n, n)


@pytest.mark.parametrize("value", [
    "Tue Oct 31 23:36:20 +0000 2017", "Tue Oct 31 23:36:20 -0000 2017",
    "Wed Nov 01 07:40:06 +0530 2017", "Tue Oct 31 22:01:30 -0800 2017",
    "Mon Feb 29 00:00:00 +0000 2016", " Tue Oct 31 23:36:20 +0000 2017 ",
    "tue oct 31 23:36:20 +0000 2017", "Tue Oct  1 23:36:20 +0000 2017",
])
def test_twitter_times_parse_exactly_as_strptime_does(value: str) -> None:
    expected = datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y")
    assert repr(_when(value)) == repr(expected)


@pytest.mark.parametrize("value", [
    "Tue Feb 30 23:36:20 +0000 2017", "Tue Oct 31 24:00:00 +0000 2017",
    "Tue Oct 31 23:36:60 +0000 2017", "Tue Oct 31 23:36:20 +0060 2017",
    "Tue Oct 31 23:36:20 +2400 2017", "Tue Oct 00 23:36:20 +0000 2017",
])
def test_impossible_twitter_times_are_refused_as_strptime_refuses_them(value: str) -> None:
    with pytest.raises(ValueError):
        _when(value)


def test_csv_rows_are_the_dicts_csv_dictreader_makes(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('id,author,text\n1,ana,"two\nlines"\n\n2,ben\n3,cy,x,extra,more\n')
    with path.open(newline="") as stream:
        expected = list(csv.DictReader(stream))
    assert list(message_rows(path)) == expected


def test_worker_processes_store_what_the_main_process_alone_stores(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "m.jsonl", 300)
    with path.open("a") as out:
        out.write("not json\n\n[1, 2]\n")
    alone = import_messages(path, "Alone", workers=1, batch=70)
    pooled = import_messages(path, "Pooled", workers=2, batch=70)
    assert (pooled.result.stored, pooled.result.opened, pooled.malformed, pooled.rows) == (
        alone.result.stored, alone.result.opened, alone.malformed, alone.rows)
    assert (alone.result.stored, alone.malformed, alone.rows) == (300, 2, 302)

    def columns(channel: str) -> list[tuple[object, ...]]:
        return list(Message.objects.filter(channel__name=channel).order_by("id").values_list(
            "external_id", "person__display_name", "conversation__message_count", "sentiment",
            "intent", "language", "flags", "created_at"))
    assert columns("Pooled") == columns("Alone")
