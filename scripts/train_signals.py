"""Train the signals models from ../shared/data (the `make train` entry point).

Fixed seeds: the same data gives the same bundle. Usage:
    python scripts/train_signals.py [--data-dir DIR] [--output PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fireside.signals.model import DEFAULT_MODEL_PATH
from fireside.signals.train import default_data_dir, train_from_corpora


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
    args = parser.parse_args()
    if not (args.data_dir / "tweeteval-sentiment").is_dir():
        print(f"error: no training data in {args.data_dir} (set --data-dir)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    path = train_from_corpora(args.data_dir, args.output)
    size_kb = path.stat().st_size / 1024
    print(f"wrote {path} ({size_kb:.0f} KB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
