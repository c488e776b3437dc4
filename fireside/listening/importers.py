"""File importers: messages as CSV or JSONL, and the Customer Support on Twitter format.

Both read the file as a stream of rows and hand batches to the ingest pipeline. Each
batch commits with the import's position (`ImportRun.rows_done`), so an import killed
at any moment resumes where its last batch committed; rows before that are skipped
without being read twice into the database, and dedupe makes any overlap harmless.
Rows are parsed and their signals read in worker processes a few batches ahead of the
database writes, so the main process does little more than write.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import re
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.db.models import F
from django.utils import timezone

from fireside.listening.actions import channel_named
from fireside.listening.ingest import Batch, IngestResult, RawMessage, prepare, store
from fireside.listening.models import Channel, ChannelKind, ImportRun
from fireside.signals import analyze_batch

BATCH = 2000


class ImportFailed(Exception):
    """The file cannot be imported; the message says why."""


@dataclass
class ImportReport:
    path: Path
    channel: str
    result: IngestResult
    resumed_from: int
    rows: int
    seconds: float
    malformed: int = 0

    def summary(self) -> str:
        rate = self.result.received / self.seconds if self.seconds else 0.0
        resumed = f" (resumed after row {self.resumed_from})" if self.resumed_from else ""
        return (f"{self.path.name} -> {self.channel}: {self.result.stored} stored, "
                f"{self.result.duplicates} already there, {self.result.opened} conversations "
                f"opened, {self.malformed} malformed{resumed}; {rate:,.0f} messages/s")


def _lines(stream: IO[str]) -> Iterator[str]:
    # Rows end at \n only; a bare \r inside a text is kept as a space, not a row break.
    for line in stream:
        yield line.replace("\r", " ")


_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# Twitter's "%a %b %d %H:%M:%S %z %Y" in the one shape it writes; anything else (and any
# value this shape would misread) goes to strptime, which decides.
_TWITTER = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                      r"Oct|Nov|Dec) (\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)([0-5]\d) (\d{4})")


def _twitter_time(match: re.Match[str]) -> datetime:
    month, day, hour, minute, second, sign, tz_hours, tz_minutes, year = match.groups()
    offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes))
    zone = dt.timezone(-offset if sign == "-" else offset) if offset else UTC
    return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second),
                    tzinfo=zone)


def _when(value: str) -> datetime:
    value = value.strip()
    match = _TWITTER.fullmatch(value)
    if match is not None:
        try:
            return _twitter_time(match)  # 20 times faster than strptime, same result
        except ValueError:
            pass  # e.g. Feb 30: strptime says why below
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")  # Twitter's format
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson", ".json")


def _records(path: Path) -> Generator[Any]:
    """The file's rows in their cheapest form to hand to a worker process: a JSONL file's
    lines, a CSV file's lists of fields with the header list first (see `_row`)."""
    with path.open(encoding="utf-8", errors="replace", newline="\n") as stream:
        if _is_jsonl(path):
            for line in stream:
                if line.strip():
                    yield line
        else:
            reader = csv.reader(_lines(stream))
            header = next(reader, None)
            if header is None:
                return
            yield header
            for fields in reader:
                if fields:  # a blank line is no row, as csv.DictReader has it
                    yield fields


def _row(record: Any, header: list[str] | None) -> dict[str, Any] | None:
    """A record of `_records` as the dict csv.DictReader or json.loads makes of it (None
    for a line that is not a JSON object)."""
    if header is None:
        try:
            row = json.loads(record)
        except json.JSONDecodeError:
            return None
        return row if isinstance(row, dict) else None
    row = dict(zip(header, record, strict=False))  # short and long rows as DictReader
    if len(header) < len(record):
        row[None] = record[len(header):]
    elif len(header) > len(record):
        for key in header[len(record):]:
            row[key] = None
    return row


def message_rows(path: Path) -> Iterator[dict[str, Any] | None]:
    """Rows of a CSV or JSONL file as dicts (None for a line that is not valid JSON)."""
    records = _records(path)
    header = None if _is_jsonl(path) else next(records, None)
    for record in records:
        yield _row(record, header)


def generic_message(row: dict[str, Any]) -> RawMessage:
    return RawMessage(
        external_id=str(row["id"]), author=str(row["author"]), text=str(row.get("text") or ""),
        created_at=_when(str(row["created_at"])), in_reply_to=str(row.get("in_reply_to") or ""),
        url=str(row.get("url") or ""), author_name=str(row.get("author_name") or ""),
        outbound=str(row.get("outbound", "")).lower() in ("1", "true", "yes"),
    )


def _tweet_id(value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def twcs_message(row: dict[str, Any]) -> RawMessage:
    outbound = str(row["inbound"]).strip().lower() in ("false", "0")
    author = str(row["author_id"]).strip()
    return RawMessage(
        external_id=_tweet_id(row["tweet_id"]), author=author, text=str(row.get("text") or ""),
        created_at=_when(str(row["created_at"])),
        in_reply_to=_tweet_id(row.get("in_response_to_tweet_id")),
        outbound=outbound, author_name=author,
    )


Parse = Callable[[dict[str, Any]], RawMessage]


def _prepare(parse: Parse, header: list[str] | None, records: list[Any]) -> tuple[Batch, int]:
    """Parse, normalize and read a batch of records; runs in a worker process. Returns the
    batch and how many records were malformed."""
    raws: list[RawMessage] = []
    malformed = 0
    for record in records:
        try:
            row = _row(record, header)
            if row is None:
                raise ValueError
            raws.append(parse(row))
        except (KeyError, ValueError, TypeError):
            malformed += 1
    return prepare(raws, read=True), malformed


def _warm_up() -> None:
    analyze_batch(["warm up, ça va"])  # loads the model and the language identifier


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def run_import(path: Path, channel: Channel, parse: Parse, *, workers: int | None = None,
               batch: int = BATCH, progress: IO[str] | None = None) -> ImportReport:
    """Import a file into a channel, resuming an earlier run of the same file.

    The main process only reads the file and writes to the database; worker processes
    parse, normalize and read each batch a few batches ahead of it.
    """
    path = path.resolve()
    if not path.is_file():
        raise ImportFailed(f"no such file: {path}")
    stat = path.stat()
    key = hashlib.sha256(f"{channel.pk}|{path}|{stat.st_size}|{parse.__name__}".encode())
    run, _ = ImportRun.objects.get_or_create(key=key.hexdigest(),
                                             defaults={"channel": channel, "path": str(path)})
    resumed_from = run.rows_done
    started = time.perf_counter()
    total = IngestResult()
    malformed = 0
    rows = 0
    records = _records(path)
    header = None if _is_jsonl(path) else next(records, None)

    def batches() -> Iterator[tuple[int, list[Any]]]:
        nonlocal rows
        chunk: list[Any] = []
        for index, record in enumerate(records):
            rows = index + 1
            if index < resumed_from:
                continue
            chunk.append(record)
            if len(chunk) >= batch:
                yield index + 1, chunk
                chunk = []
        if chunk or rows > resumed_from:
            yield rows, chunk

    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = None
    if workers > 1 and _picklable(parse):
        # fork: the workers start at once, with the parent's modules already imported
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method),
                                   initializer=_warm_up)
    pending: deque[tuple[int, Future[tuple[Batch, int]] | tuple[Batch, int]]] = deque()

    def store_next() -> None:
        nonlocal malformed
        done, prepared = pending.popleft()
        ready, bad = prepared.result() if isinstance(prepared, Future) else prepared
        malformed += bad

        def checkpoint() -> None:
            ImportRun.objects.filter(pk=run.pk).update(rows_done=done)
        total.add(store(channel, ready, checkpoint=checkpoint))
        if progress is not None:
            print(f"\r{done:,} rows", end="", file=progress, flush=True)

    try:
        for done, chunk in batches():
            if pool is not None:
                pending.append((done, pool.submit(_prepare, parse, header, chunk)))
            else:
                pending.append((done, _prepare(parse, header, chunk)))
            # Keep the pool a few batches ahead of the writer, never the whole file.
            while len(pending) > (workers + 1 if pool else 0):
                store_next()
        while pending:
            store_next()
    finally:
        records.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    ImportRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), stored=F("stored") + total.stored,
        skipped=F("skipped") + total.duplicates + malformed)
    if progress is not None:
        print(file=progress)
    return ImportReport(path, channel.name, total, resumed_from, rows,
                        time.perf_counter() - started, malformed)


def import_messages(path: Path, channel_name: str, **kwargs: Any) -> ImportReport:
    return run_import(path, channel_named(channel_name), generic_message, **kwargs)


def import_twcs(path: Path, channel_name: str = "Twitter", **kwargs: Any) -> ImportReport:
    """Each answering brand account becomes one of the organization's channel accounts."""
    return run_import(path, channel_named(channel_name, ChannelKind.TWITTER), twcs_message,
                      **kwargs)
