"""The `fireside analyze` and `fireside train` subcommands.

Mounted by fireside/cli.py through `add_arguments`; also runnable on its own
as `python -m fireside.signals.cli analyze INPUT`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO

FORMATS = ("csv", "jsonl")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def add_arguments(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `analyze` and `train` on a subparsers object."""
    analyze = subparsers.add_parser(
        "analyze",
        help="add sentiment, intent, complaint, language and guideline columns to CSV or JSONL",
        description=(
            "Reads INPUT (CSV or JSONL, by extension; '-' is stdin with --format) and writes "
            "the same records with signal columns added. Malformed rows are reported on "
            "stderr with their line number and skipped."
        ),
    )
    analyze.add_argument("input", metavar="INPUT", help="a .csv or .jsonl file, or - for stdin")
    analyze.add_argument(
        "--text-column", default="text", help="column holding the text (default: text)"
    )
    analyze.add_argument("--output", "-o", default="-", help="output file (default: stdout)")
    analyze.add_argument("--format", choices=FORMATS, help="input format; required for stdin")
    analyze.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes analyzing in parallel (default: one per core)",
    )
    analyze.set_defaults(func=handle_analyze)

    train = subparsers.add_parser(
        "train",
        help="retrain the signals models with your organization's labelled messages",
        description=(
            "INPUT is CSV or JSONL with a text column and a 'sentiment' "
            "(negative/neutral/positive) and/or 'complaint' (0/1) column. Writes a model "
            "bundle; point FIRESIDE_SIGNALS_MODEL at it to use it."
        ),
    )
    train.add_argument(
        "--input", required=True, type=Path, help="labelled messages (.csv or .jsonl)"
    )
    train.add_argument("--text-column", default="text")
    train.add_argument(
        "--output",
        type=Path,
        default=Path("fireside-signals-model.npz"),
        help="where to write the bundle (default: ./fireside-signals-model.npz)",
    )
    train.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the public training corpora, if present, to train on alongside your messages",
    )
    train.add_argument(
        "--weight",
        type=float,
        default=5.0,
        help="how much one of your messages counts against one public example (default: 5)",
    )
    train.set_defaults(func=handle_train)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def handle_analyze(args: argparse.Namespace) -> int:
    from fireside.signals import batch

    if args.input == "-":
        if args.format is None:
            return _fail("reading stdin needs --format csv or --format jsonl")
        input_format: str = args.format
    else:
        input_format = args.format or _EXTENSIONS.get(Path(args.input).suffix.lower(), "")
        if not input_format:
            return _fail(f"{args.input}: cannot tell the format from the extension; use --format")
        if not os.path.isfile(args.input):
            return _fail(f"{args.input}: no such file")
    if args.workers is not None and args.workers < 1:
        return _fail("--workers must be at least 1")

    source: IO[bytes]
    sink: IO[bytes]
    try:
        source = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    except OSError as error:
        return _fail(f"{args.input}: {error.strerror}")
    try:
        sink = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")  # noqa: SIM115
    except OSError as error:
        source.close()
        return _fail(f"{args.output}: {error.strerror}")
    total = os.path.getsize(args.input) if args.input != "-" else None
    try:
        summary = batch.run(
            source,
            sink,
            input_format,
            args.text_column,
            workers=args.workers,
            total_bytes=total,
            progress=sys.stderr.isatty(),
        )
    except batch.InputError as error:
        return _fail(f"{args.input}: {error}")
    except BrokenPipeError:
        return 1
    finally:
        if source is not sys.stdin.buffer:
            source.close()
        if sink is not sys.stdout.buffer:
            sink.close()
    print(
        f"{summary.rows} texts in {summary.seconds:.1f} s ({summary.rate:,.0f} texts/s), "
        f"{summary.malformed} malformed rows skipped",
        file=sys.stderr,
    )
    return 0


def handle_train(args: argparse.Namespace) -> int:
    from fireside.signals.train import train_with_organization_labels

    if not args.input.is_file():
        return _fail(f"{args.input}: no such file")
    try:
        path, count = train_with_organization_labels(
            args.input, args.output, args.data_dir, args.text_column, args.weight
        )
    except (ValueError, KeyError) as error:
        return _fail(f"{args.input}: {error}")
    print(f"trained on {count} labelled messages; wrote {path}", file=sys.stderr)
    print(f"use it with: export FIRESIDE_SIGNALS_MODEL={path.resolve()}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fireside")
    subparsers = parser.add_subparsers(required=True)
    add_arguments(subparsers)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
