import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fireside.signals.batch import OUTPUT_COLUMNS
from fireside.signals.cli import main


def run_cli(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "fireside.signals.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_analyze_keeps_every_column_and_skips_a_malformed_row_reporting_its_line(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id,text,channel\n"
        b'1,"my order never arrived, this is ridiculous",twitter\n'
        b"2,this row has,too,many,fields\n"
        b'3,"thanks, all sorted now!",email\n'
        b'4,"a text over\ntwo lines with a bare\rcarriage return",forum\n'
    )
    output = tmp_path / "out.csv"
    assert main(["analyze", str(source), "--output", str(output), "--workers", "1"]) == 0
    rows = list(csv.DictReader(output.open(newline="", encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "3", "4"]
    assert list(rows[0]) == ["id", "text", "channel", *OUTPUT_COLUMNS]
    assert rows[0]["channel"] == "twitter"
    assert rows[0]["complaint"] == "1" and rows[0]["sentiment"] == "negative"
    assert rows[1]["complaint"] == "0" and rows[1]["sentiment"] == "positive"
    assert rows[2]["text"] == "a text over\ntwo lines with a bare\rcarriage return"


def test_the_malformed_row_is_reported_on_stderr_with_its_line_number(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_text('id,text\n1,fine\n2,"broken",extra\n3,also fine\n', encoding="utf-8")
    done = run_cli(["analyze", str(source), "--workers", "2"])
    assert done.returncode == 0
    assert b"line 3: malformed row skipped" in done.stderr
    assert b"1 malformed rows skipped" in done.stderr
    assert b"texts/s" in done.stderr
    assert len(list(csv.reader(io.StringIO(done.stdout.decode())))) == 3


def test_jsonl_from_stdin_keeps_every_field_and_reports_bad_lines():
    lines = [
        json.dumps({"id": 1, "text": "is there a student discount?", "meta": {"a": 1}}),
        "{not json",
        json.dumps({"id": 3, "body": "no text field"}),
        json.dumps({"id": 4, "text": "call me on +44 20 7946 0958"}),
    ]
    done = run_cli(["analyze", "-", "--format", "jsonl"], ("\n".join(lines) + "\n").encode())
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == [1, 4]
    assert out[0]["meta"] == {"a": 1} and out[0]["intent"] == "question"
    assert out[1]["guideline_flags"] == ["phone"]
    assert b"line 2:" in done.stderr and b"line 3:" in done.stderr


def test_results_are_the_same_with_one_worker_or_two(tmp_path: Path):
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        for i in range(5000):
            writer.writerow([f"order {i} still not delivered" if i % 2 else f"thanks for {i}!"])
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["analyze", str(source), "-o", str(one), "--workers", "1"]) == 0
    assert main(["analyze", str(source), "-o", str(two), "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()


def test_invalid_utf8_bytes_pass_through_unchanged_and_get_an_answer(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"text,raw\n\xff\xfe garbage \x81,\xc3\x28\n")
    output = tmp_path / "out.csv"
    assert main(["analyze", str(source), "-o", str(output)]) == 0
    assert output.read_bytes().splitlines()[1].startswith(b"\xff\xfe garbage \x81,\xc3\x28,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "missing.csv"], b"no such file"),
        (["analyze", "-"], b"needs --format"),
        (["analyze", "notes.txt"], b"cannot tell the format"),
    ],
)
def test_bad_invocations_fail_with_a_message_and_no_traceback(args: list[str], message: bytes):
    done = run_cli(args, stdin=b"")
    assert done.returncode == 2
    assert message in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_missing_text_column_is_an_error_naming_the_columns(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")
    done = run_cli(["analyze", str(source)])
    assert done.returncode == 2
    assert b"no column 'text'" in done.stderr and b"id, body" in done.stderr
    assert b"Traceback" not in done.stderr
    done = run_cli(["analyze", str(source), "--text-column", "body"])
    assert done.returncode == 0
