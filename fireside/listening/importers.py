"""File importers: messages as CSV or JSONL, and the Customer Support on Twitter format.

Both read the file as a stream of rows and hand batches to the ingest pipeline. Each
batch commits with the import's position (`ImportRun.rows_done`), so an import killed
at any moment resumes where its last batch committed; rows before that are skipped
without being read twice into the database, and dedupe makes any overlap harmless.
Signals are computed in worker processes a few batches ahead of the database writes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.db.models import F
from django.utils import timezone

from fireside.listening.actions import channel_named
from fireside.listening.ingest import IngestResult, RawMessage, ingest_batch
from fireside.listening.models import Channel, ChannelKind, ImportRun
from fireside.signals import Signals, analyze_batch

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


def _when(value: str) -> datetime:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")  # Twitter's format
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def message_rows(path: Path) -> Iterator[dict[str, Any] | None]:
    """Rows of a CSV or JSONL file as dicts (None for a line that is not valid JSON)."""
    with path.open(encoding="utf-8", errors="replace", newline="\n") as stream:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            for line in stream:
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    yield None
                    continue
                yield row if isinstance(row, dict) else None
        else:
            yield from csv.DictReader(_lines(stream))


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


def _signals(texts: list[str]) -> list[Signals]:
    return analyze_batch(texts)


def run_import(path: Path, channel: Channel, parse: Callable[[dict[str, Any]], RawMessage],
               *, workers: int | None = None, batch: int = BATCH,
               progress: IO[str] | None = None) -> ImportReport:
    """Import a file into a channel, resuming an earlier run of the same file."""
    import time

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

    def batches() -> Iterator[tuple[int, list[RawMessage]]]:
        nonlocal malformed, rows
        chunk: list[RawMessage] = []
        for index, row in enumerate(message_rows(path)):
            rows = index + 1
            if index < resumed_from:
                continue
            try:
                if row is None:
                    raise ValueError
                chunk.append(parse(row))
            except (KeyError, ValueError, TypeError):
                malformed += 1
            if len(chunk) >= batch:
                yield index + 1, chunk
                chunk = []
        if chunk or rows > resumed_from:
            yield rows, chunk

    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    pending: list[tuple[int, list[RawMessage], Future[list[Signals]] | None]] = []

    def store(done: int, raws: list[RawMessage], signals: list[Signals] | None) -> None:
        def checkpoint() -> None:
            ImportRun.objects.filter(pk=run.pk).update(rows_done=done)
        total.add(ingest_batch(channel, raws, signals=signals, checkpoint=checkpoint))
        if progress is not None:
            print(f"\r{done:,} rows", end="", file=progress, flush=True)

    try:
        for done, raws in batches():
            texts = [raw.text for raw in raws]
            future = pool.submit(_signals, texts) if pool is not None and raws else None
            pending.append((done, raws, future))
            # Keep the pool a few batches ahead of the writer, never the whole file.
            while len(pending) > (workers + 1 if pool else 0):
                d, r, f = pending.pop(0)
                store(d, r, f.result() if f else None)
        for d, r, f in pending:
            store(d, r, f.result() if f else None)
    finally:
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
