"""Care metrics on known data: every figure below is worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from fireside.care.actions import do_set_status
from fireside.care.metrics import JSON_KEYS, bucket_of, care_report, percentile
from fireside.care.models import BusinessCalendar, Conversation, SlaPolicy, Status
from fireside.cli import main
from fireside.listening.actions import do_create_channel
from fireside.listening.ingest import RawMessage, ingest_batch
from fireside.listening.models import Channel

pytestmark = pytest.mark.django_db

MON = datetime(2025, 3, 3, tzinfo=UTC)  # a Monday
WEEKDAYS = {str(d): [["09:00", "17:00"]] for d in range(5)}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MON + timedelta(days=day, hours=hour, minutes=minute)


def say(channel: Channel, who: str, when: datetime, *, reply_to: str = "",
        text: str = "My order never arrived, please help") -> None:
    outbound = who == "EmberCares"
    ingest_batch(channel, [RawMessage(
        external_id=f"{who}-{when.isoformat()}", author=who, text=text, created_at=when,
        in_reply_to=reply_to, outbound=outbound)])


@pytest.fixture
def known() -> Channel:
    """Four conversations under a 60-minute first-response target in business hours
    (Monday to Friday, 09:00-17:00 UTC):

    ana  Mon 09:00, answered 09:30 (30 min), writes again 10:00, answered 10:15 (next
         response 15 min), resolved 11:00 (resolution 120 min). Met.
    ben  Mon 16:30, answered Tue 09:30: 60 business minutes, 1,020 calendar minutes. Met.
    cai  Mon 10:00, answered 13:00: 180 minutes. Missed.
    dan  Mon 11:00, never answered; its target passed long ago. Missed.
    """
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="UTC", hours=WEEKDAYS)
    SlaPolicy.objects.create(name="Standard", first_response_minutes=60, calendar=calendar)
    channel = do_create_channel("Twitter", "twitter")
    say(channel, "ana", at(0, 9))
    say(channel, "EmberCares", at(0, 9, 30), reply_to=f"ana-{at(0, 9).isoformat()}")
    say(channel, "ana", at(0, 10), text="Thanks, and what about the refund?")
    say(channel, "EmberCares", at(0, 10, 15), reply_to=f"ana-{at(0, 10).isoformat()}")
    say(channel, "ben", at(0, 16, 30))
    say(channel, "EmberCares", at(1, 9, 30), reply_to=f"ben-{at(0, 16, 30).isoformat()}")
    say(channel, "cai", at(0, 10))
    say(channel, "EmberCares", at(0, 13), reply_to=f"cai-{at(0, 10).isoformat()}")
    say(channel, "dan", at(0, 11))
    with freeze_time(at(0, 11)):
        do_set_status(Conversation.objects.get(person__identities__handle="ana"),
                      Status.RESOLVED)
    return channel


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([30, 60, 180], 50) == 60
    assert percentile([30, 60, 180], 90) == pytest.approx(156)  # 60 + 0.8 * 120
    assert percentile([], 50) is None


def test_buckets_include_their_lower_bound_and_exclude_their_upper() -> None:
    assert [bucket_of(m) for m in (0, 59.9, 60, 239, 240, 479, 480, 1439, 1440, 10**6)] == [
        "0-1 h", "0-1 h", "1-4 h", "1-4 h", "4-8 h", "4-8 h", "8-24 h", "8-24 h",
        "over 24 h", "over 24 h"]


def test_first_response_times_count_business_hours_under_a_calendar(known: Channel) -> None:
    [group] = care_report()
    row = group.wide_row()
    assert row["conversations"] == 4 and row["answered"] == 3
    assert row["first_response_median_minutes"] == 60  # of 30, 60, 180
    assert row["first_response_p90_minutes"] == 156
    assert row["next_response_median_minutes"] == 15
    assert row["resolution_median_minutes"] == 120
    assert row["sla_attainment"] == 0.5  # ana and ben met; cai late, dan unanswered
    assert (row["0-1 h"], row["1-4 h"], row["4-8 h"], row["8-24 h"], row["over 24 h"]) == (
        1, 2, 0, 0, 0)


def test_calendar_hours_count_every_minute_of_the_night(known: Channel) -> None:
    [group] = care_report(hours="calendar")
    row = group.wide_row()
    assert row["first_response_median_minutes"] == 180  # of 30, 180, 1,020
    assert row["first_response_p90_minutes"] == 852  # 180 + 0.8 * 840
    assert (row["0-1 h"], row["1-4 h"], row["8-24 h"]) == (1, 1, 1)


def test_the_period_counts_conversations_by_their_first_message(known: Channel) -> None:
    [group] = care_report(since=at(0, 10), until=at(0, 12))
    assert group.row()["conversations"] == 2  # cai at 10:00 and dan at 11:00


def test_grouping_by_account_names_the_organization_account_that_answered_first(
        known: Channel) -> None:
    groups = {g.name: g.row() for g in care_report(by="account")}
    assert groups["EmberCares"]["answered"] == 3
    assert groups["(none)"]["conversations"] == 1
    with pytest.raises(ValueError, match="--by"):
        care_report(by="weather")


def test_the_json_report_is_one_object_per_group_with_the_documented_keys(
        known: Channel, capsys: pytest.CaptureFixture[str]) -> None:
    do_create_channel("Mastodon", "mastodon")
    assert main(["report", "care", "--by", "channel", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [tuple(row) for row in rows] == [JSON_KEYS]
    assert rows[0]["group"] == "Twitter" and rows[0]["conversations"] == 4


def test_a_bad_date_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "care", "--since", "last tuesday"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["report", "care", "--since", "2025-03-05", "--until", "2025-03-01"]) == 2


def test_the_table_and_csv_forms_carry_the_buckets(known: Channel,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "care", "--format", "csv", "--until", "2025-03-03"]) == 0
    header, line = capsys.readouterr().out.strip().splitlines()
    assert header.startswith("group,conversations,answered") and "over 24 h" in header
    assert line.startswith("all,4,3,60.0,156.0,120.0,0.5")
    assert main(["report", "care"]) == 0
    assert "first_response_median_minutes" in capsys.readouterr().out
