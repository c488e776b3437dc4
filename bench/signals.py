"""Accuracy and throughput of fireside.signals. Prints figures; never fails on them.

    python bench/signals.py                 # accuracy on held-out data + throughput
    python bench/signals.py --cross-source  # also retrain on one source, test on another (minutes)
    python bench/signals.py --rows 100000   # size of the throughput run

Held-out real customer messages: bench/twcs_spotifycares_labels.csv holds our own
sentiment and complaint labels for 400 inbound tweets to @SpotifyCares (ids only;
the texts are read from ../shared/data, CC BY-NC-SA, never copied here). The first
200 ("dev") were looked at while building; the last 200 ("test") were not.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.signals import analyze_batch  # noqa: E402
from fireside.signals.model import Model  # noqa: E402
from fireside.signals.train import (  # noqa: E402
    Pool,
    add_seed,
    default_data_dir,
    fit_classifiers,
    read_bitext,
    read_tweeteval,
)

LABELS = ROOT / "bench" / "twcs_spotifycares_labels.csv"
SENTIMENT = ("negative", "neutral", "positive")


def read_twcs(data_dir: Path) -> dict[str, str]:
    """tweet_id -> text; the file has bare carriage returns inside texts, so split on \\n only."""
    texts: dict[str, str] = {}
    with (data_dir / "twcs-spotifycares" / "support_requests.csv").open("rb") as handle:
        lines = (
            raw.decode("utf-8").removesuffix("\r\n").removesuffix("\n").replace("\r", "\ue000")
            + "\n"
            for raw in handle
        )
        for row in list(csv.reader(lines))[1:]:
            texts[row[2]] = row[6].replace("\ue000", "\r")
    return texts


def labelled_twcs(data_dir: Path, split: str) -> tuple[list[str], list[str], list[int]]:
    texts = read_twcs(data_dir)
    rows = [r for r in csv.DictReader(LABELS.open()) if split in ("all", r["split"])]
    return (
        [texts[r["tweet_id"]] for r in rows],
        [r["sentiment"] for r in rows],
        [int(r["complaint"]) for r in rows],
    )


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    return float(f1_score(gold, predicted, average="macro", labels=list(SENTIMENT)))


def report_customer_tweets(data_dir: Path) -> None:
    print("== held-out customer tweets to a brand (twcs-spotifycares, our labels)")
    train_texts, train_labels = [], []
    for split in ("test", "val"):
        t, y = read_tweeteval(data_dir / "tweeteval-sentiment", split)
        train_texts += t
        train_labels += [SENTIMENT[i] for i in y]
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    baseline = LogisticRegression(max_iter=2000, C=2.0).fit(
        tfidf.fit_transform(train_texts), train_labels
    )
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader: SentimentIntensityAnalyzer | None = SentimentIntensityAnalyzer()
    except ImportError:
        vader = None
    for split in ("dev", "test", "all"):
        texts, gold_sentiment, gold_complaint = labelled_twcs(data_dir, split)
        results = analyze_batch(texts)
        sentiment = [r.sentiment for r in results]
        complaint = [int(r.complaint) for r in results]
        print(
            f"  {split:4} n={len(texts)}  fireside: sentiment macro-F1 "
            f"{macro_f1(gold_sentiment, sentiment):.3f}, complaint F1 "
            f"{f1_score(gold_complaint, complaint):.3f}"
        )
        lines = [
            f"tfidf+LR(tweeteval) sentiment "
            f"{macro_f1(gold_sentiment, list(baseline.predict(tfidf.transform(texts)))):.3f}",
            f"negative=>complaint F1 "
            f"{f1_score(gold_complaint, [int(s == 'negative') for s in sentiment]):.3f}",
        ]
        if vader is not None:
            compound = [vader.polarity_scores(t)["compound"] for t in texts]
            vader_labels = [
                "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"
                for c in compound
            ]
            lines.insert(0, f"VADER sentiment {macro_f1(gold_sentiment, vader_labels):.3f}")
        print("        baselines: " + "; ".join(lines))


def report_offensive(data_dir: Path) -> None:
    texts, labels = read_tweeteval(data_dir / "tweeteval-offensive", "test")
    flagged = [int("offensive" in r.guideline_flags) for r in analyze_batch(texts)]
    print("== offensive language, tweeteval-offensive test split (not trained on)")
    print(f"  F1 of the offensive flag: {f1_score(labels, flagged):.3f} (n={len(texts)})")


def _model_from_pool(pool: Pool, data_dir: Path) -> Model:
    from fireside.signals.model import load_model  # the shipped lexicon and similarity arrays

    shipped = np.load(ROOT / "fireside" / "signals" / "artifacts" / "signals_model.npz")
    fixed = {k: shipped[k] for k in ("lex_rows", "lex_cols", "lex_vals")}
    similarity = {k: shipped[k] for k in ("similarity_idf", "similarity_lsa")}
    del load_model
    offensive = read_tweeteval(data_dir / "tweeteval-offensive", "train")
    return Model(fit_classifiers(pool, offensive, fixed, similarity))


def report_cross_source(data_dir: Path) -> None:
    print("== cross-source: train on one source, test on another (same pipeline, retrained)")
    tweets, twcs_sentiment, twcs_complaint = labelled_twcs(data_dir, "all")
    te_texts, te_labels = [], []
    for split in ("test", "val"):
        t, y = read_tweeteval(data_dir / "tweeteval-sentiment", split)
        te_texts += t
        te_labels += y

    only_tweeteval = Pool()
    # no complaint labels in tweeteval: negative tweets stand in as weak complaint labels
    only_tweeteval.add(te_texts, te_labels, [int(y == 0) for y in te_labels], 1.0, "te")
    model = _model_from_pool(only_tweeteval, data_dir)
    results = analyze_batch(tweets, model=model)
    print(
        "  tweeteval-sentiment only (complaint = negative, weak) -> customer tweets: "
        "sentiment macro-F1 "
        f"{macro_f1(twcs_sentiment, [r.sentiment for r in results]):.3f}, complaint F1 "
        f"{f1_score(twcs_complaint, [int(r.complaint) for r in results]):.3f}"
    )

    customer = Pool()
    b_texts, intents = read_bitext(data_dir)
    is_complaint = [i in {"complaint", "payment_issue", "registration_problems"} for i in intents]
    customer.add(
        b_texts,
        [0 if c else 1 for c in is_complaint],
        [int(c) for c in is_complaint],
        1.0,
        "bitext",
    )
    add_seed(customer, 5.0)
    model = _model_from_pool(customer, data_dir)
    sample = np.random.default_rng(0).permutation(len(te_texts))[:3000]
    results = analyze_batch([te_texts[i] for i in sample], model=model)
    print(
        "  seed + bitext only -> tweeteval-sentiment (general tweets): sentiment macro-F1 "
        f"{macro_f1([SENTIMENT[te_labels[i]] for i in sample], [r.sentiment for r in results]):.3f}"
    )
    results = analyze_batch(tweets, model=model)
    print(
        "  seed + bitext only -> customer tweets: sentiment macro-F1 "
        f"{macro_f1(twcs_sentiment, [r.sentiment for r in results]):.3f}, complaint F1 "
        f"{f1_score(twcs_complaint, [int(r.complaint) for r in results]):.3f}"
    )


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, from /proc: the sum of PSS, so
    pages that forked workers share with their parent are counted once, not thrice."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as status:
                for line in status:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def report_throughput(data_dir: Path, rows: int, workers: list[int]) -> None:
    texts, _ = read_tweeteval(data_dir / "tweeteval-sentiment", "test")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "tweets.csv"
        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text", "channel"])
            for i, pick in enumerate(rng.integers(0, len(texts), rows)):
                writer.writerow([i, texts[pick], "twitter"])
        size_mb = source.stat().st_size / 1e6
        print(
            f"== throughput: `fireside analyze` on {rows:,} tweets ({size_mb:.0f} MB CSV), "
            f"whole command incl. start-up, {os.cpu_count()} cores"
        )
        for count in workers:
            command = [
                sys.executable,
                "-m",
                "fireside.signals.cli",
                "analyze",
                str(source),
                "--output",
                str(Path(folder) / "out.csv"),
                "--workers",
                str(count),
            ]
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
            peak = 0
            while process.poll() is None:
                peak = max(peak, _tree_rss_kb(process.pid))
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            assert process.returncode == 0, process.stderr.read() if process.stderr else ""
            print(
                f"  workers={count}: {rows / elapsed:,.0f} texts/s ({elapsed:.1f} s), "
                f"peak memory (PSS summed over all processes) {peak / 1024:.0f} MB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cross-source", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not (args.data_dir / "twcs-spotifycares").is_dir():
        sys.exit(f"no data in {args.data_dir}; pass --data-dir")
    report_customer_tweets(args.data_dir)
    report_offensive(args.data_dir)
    if args.cross_source:
        report_cross_source(args.data_dir)
    if not args.skip_throughput:
        report_throughput(args.data_dir, args.rows, [int(w) for w in args.workers.split(",")])


if __name__ == "__main__":
    main()
