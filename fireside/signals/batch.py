"""Streaming batch analysis of CSV and JSONL files: the engine of `fireside analyze`.

Records are read and written one chunk at a time, so memory stays flat
however large the file. Worker processes analyze chunks while the main
process parses and writes; at most a few chunks are in flight at once.
Bytes are decoded with `surrogateescape`, so every original column comes
out byte for byte as it went in, even when a file is not valid UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import IO, Protocol

from fireside.signals.core import analyze_batch
from fireside.signals.model import load_model

OUTPUT_COLUMNS = (
    "sentiment",
    "sentiment_score",
    "intent",
    "complaint",
    "complaint_probability",
    "language",
    "guideline_flags",
)
CHUNK_SIZE = 2000
# a record spanning more than this is an unclosed quote, not a long text
MAX_RECORD_BYTES = 16 * 1024 * 1024
_CR_PLACEHOLDER = "\ue000"

Values = tuple[str, float, str, int, float, str, list[str]]


class InputError(Exception):
    """The input as a whole cannot be read (not a single malformed row)."""


@dataclass(frozen=True)
class Malformed:
    line: int
    reason: str


@dataclass(frozen=True)
class Record:
    line: int
    fields: list[str] | dict[str, object]
    text: str


@dataclass
class Summary:
    rows: int = 0
    malformed: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- reading


class ByteCounter:
    """Wraps a binary stream's lines and counts bytes read, for the progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.bytes_read = 0

    def lines(self) -> Iterator[str]:
        for raw in self.stream:
            self.bytes_read += len(raw)
            yield raw.decode("utf-8", errors="surrogateescape")


def csv_records(
    lines: Iterator[str], text_column: str, header_out: list[str]
) -> Iterator[Record | Malformed]:
    """Parse CSV split on \\n only (bare \\r inside a field is text, as in exported tweets).

    A record ends at a newline outside quotes; quote parity tells which.
    `header_out` is filled with the header before the first record is yielded.
    """
    line_no = 0
    header: list[str] | None = None
    column = -1
    pending: list[str] = []
    pending_bytes = 0
    start_line = 0
    quotes = 0
    for line in lines:
        line_no += 1
        if not pending:
            start_line = line_no
        pending.append(line)
        pending_bytes += len(line)
        quotes += line.count('"')
        if quotes % 2 and pending_bytes < MAX_RECORD_BYTES:
            continue
        raw = "".join(pending)
        unclosed = quotes % 2 == 1
        pending, pending_bytes, quotes = [], 0, 0
        if header is None:
            header = _parse_csv_line(raw) or []
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            if text_column not in header:
                raise InputError(
                    f"no column {text_column!r} in the header (columns: {', '.join(header)})"
                )
            column = header.index(text_column)
            header_out.extend(header)
            continue
        if unclosed:
            yield Malformed(start_line, "unclosed quote")
            continue
        if not raw.strip("\r\n"):
            continue  # blank line
        fields = _parse_csv_line(raw)
        if fields is None:
            yield Malformed(start_line, "unparseable CSV")
        elif len(fields) != len(header):
            yield Malformed(start_line, f"{len(fields)} fields, header has {len(header)}")
        else:
            yield Record(start_line, fields, fields[column])
    if pending:
        yield Malformed(start_line, "unclosed quote at end of file")
    if header is None:
        raise InputError("empty input: no header row")


def _parse_csv_line(raw: str) -> list[str] | None:
    if raw.endswith("\r\n"):
        raw = raw[:-2]
    elif raw.endswith("\n"):
        raw = raw[:-1]
    has_cr = "\r" in raw
    if has_cr:
        raw = raw.replace("\r", _CR_PLACEHOLDER)
    try:
        rows = list(csv.reader([raw]))
    except csv.Error:
        return None
    if len(rows) != 1:
        return [] if not rows else None
    fields = rows[0]
    if has_cr:
        fields = [f.replace(_CR_PLACEHOLDER, "\r") for f in fields]
    return fields


def jsonl_records(lines: Iterator[str], text_column: str) -> Iterator[Record | Malformed]:
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Malformed(line_no, f"invalid JSON ({error.msg})")
            continue
        except ValueError:
            yield Malformed(line_no, "invalid JSON")
            continue
        if not isinstance(value, dict):
            yield Malformed(line_no, "not a JSON object")
            continue
        text = value.get(text_column, None)
        if text is None:
            yield Malformed(line_no, f"no {text_column!r} field")
        elif not isinstance(text, str):
            yield Malformed(line_no, f"{text_column!r} is not a string")
        else:
            yield Record(line_no, value, text)


# ---------------------------------------------------------------- analysis


def analyze_texts(texts: list[str]) -> list[Values]:
    """Output column values for a chunk; runs in a worker process."""
    return [
        (
            s.sentiment,
            round(s.sentiment_score, 4),
            s.intent,
            int(s.complaint),
            round(s.complaint_probability, 4),
            s.language,
            s.guideline_flags,
        )
        for s in analyze_batch(texts)
    ]


def _warm_up() -> None:
    analyze_batch(["warm up"])


# ---------------------------------------------------------------- writing


class CsvWriter:
    def __init__(self, out: IO[str], header: list[str]) -> None:
        self.writer = csv.writer(out, lineterminator="\n")
        taken = set(header)
        added = [c if c not in taken else f"signals_{c}" for c in OUTPUT_COLUMNS]
        self.writer.writerow(header + added)

    def write(self, record: Record, values: Values) -> None:
        assert isinstance(record.fields, list)
        self.writer.writerow([*record.fields, *values[:6], ";".join(values[6])])


class JsonlWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, record: Record, values: Values) -> None:
        assert isinstance(record.fields, dict)
        row = dict(record.fields)
        row.update(zip(OUTPUT_COLUMNS, values, strict=True))
        self.out.write(json.dumps(row, ensure_ascii=False))
        self.out.write("\n")


# ---------------------------------------------------------------- driver


def run(
    source: IO[bytes],
    sink: IO[bytes],
    input_format: str,
    text_column: str = "text",
    workers: int | None = None,
    total_bytes: int | None = None,
    progress: bool = False,
    report: Callable[[Malformed], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Summary:
    """Analyze every record of `source` into `sink`; malformed rows are reported and skipped."""
    started = time.perf_counter()
    summary = Summary()
    counter = ByteCounter(source)
    out = io.TextIOWrapper(sink, encoding="utf-8", errors="surrogateescape", newline="")
    header: list[str] = []
    records: Iterator[Record | Malformed]
    if input_format == "csv":
        records = csv_records(counter.lines(), text_column, header)
    else:
        records = jsonl_records(counter.lines(), text_column)
    report = report or _report_to_stderr
    bar = _progress_bar(total_bytes) if progress else None
    writer: CsvWriter | JsonlWriter | None = None if input_format == "csv" else JsonlWriter(out)

    workers = os.cpu_count() or 1 if workers is None else workers
    load_model()  # before forking, so workers share the loaded weights
    pool = _pool(workers) if workers > 1 else None
    in_flight: deque[tuple[list[Record], Future[list[Values]] | list[Values]]] = deque()

    def drain(limit: int) -> None:
        nonlocal writer
        while len(in_flight) > limit:
            chunk, pending = in_flight.popleft()
            values = pending.result() if isinstance(pending, Future) else pending
            if writer is None:
                writer = CsvWriter(out, header)
            for record, row_values in zip(chunk, values, strict=True):
                writer.write(record, row_values)
            summary.rows += len(chunk)
            if bar is not None:
                bar.update(counter.bytes_read - bar.n)

    def submit(chunk: list[Record]) -> None:
        texts = [r.text for r in chunk]
        if pool is None:
            in_flight.append((chunk, analyze_texts(texts)))
        else:
            in_flight.append((chunk, pool.submit(analyze_texts, texts)))
        drain(2 * workers if pool is not None else 0)

    try:
        chunk: list[Record] = []
        for item in records:
            if isinstance(item, Malformed):
                summary.malformed += 1
                report(item)
                continue
            chunk.append(item)
            if len(chunk) >= chunk_size:
                submit(chunk)
                chunk = []
        if chunk:
            submit(chunk)
        drain(0)
        if writer is None and input_format == "csv" and header:
            writer = CsvWriter(out, header)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if bar is not None:
            bar.close()
        out.flush()
        out.detach()
    summary.seconds = time.perf_counter() - started
    return summary


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork shares the loaded model's pages with the workers; spawn would reload it
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context(method), initializer=_warm_up
    )
    return pool


def _progress_bar(total: int | None) -> _Bar:
    from tqdm import tqdm

    bar: _Bar = tqdm(total=total, unit="B", unit_scale=True, desc="analyzing", file=sys.stderr)
    return bar


def _report_to_stderr(item: Malformed) -> None:
    print(f"line {item.line}: malformed row skipped: {item.reason}", file=sys.stderr)


class _Bar(Protocol):  # the part of tqdm's interface used above
    n: float

    def update(self, n: float | None = 1) -> bool | None: ...

    def close(self) -> None: ...
