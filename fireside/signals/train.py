"""Training: from the permitted corpora (and an organization's own labels) to a model bundle.

`make train` calls `train_from_corpora`; `fireside train --input FILE` calls
`train_with_organization_labels`, which keeps the shipped lexicon and
similarity space and refits the classifiers with the organization's messages
weighted in. Seeds are fixed, so the same inputs give the same bundle.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from fireside.signals import cues
from fireside.signals.model import (
    DEFAULT_MODEL_PATH,
    HEAD_COLUMNS,
    LEXICON_COLUMNS,
    Model,
    binary_l2,
    load_model,
    save_model,
)
from fireside.signals.similarity import SIMILARITY_BUCKETS, SIMILARITY_LSA_DIM, content_counts
from fireside.signals.text import TOKEN_PATTERN, feature_index, hashed_counts, normalize

SEED = 20240601
SEED_MESSAGES = Path(__file__).parent / "data" / "seed_messages.tsv"
SENTIMENT_INDEX = {"negative": 0, "neutral": 1, "positive": 2}
# bitext intents that report a problem rather than ask for a routine service
BITEXT_COMPLAINT_INTENTS = frozenset({"complaint", "payment_issue", "registration_problems"})
NO_LABEL = -1

# VADER's negators (vaderSentiment.NEGATE), in our normalized spelling
NEGATORS = (
    "aint",
    "ain't",
    "aren't",
    "cannot",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neither",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtn't",
    "shan't",
    "shouldn't",
    "wasn't",
    "weren't",
    "without",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
    "no",
)
NEGATION_SCALAR = 0.74  # VADER's N_SCALAR


def default_data_dir() -> Path:
    env = os.environ.get("FIRESIDE_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass
class Pool:
    """Texts with a sentiment label, a complaint label (or NO_LABEL) and a source weight."""

    texts: list[str] = field(default_factory=list)
    sentiment: list[int] = field(default_factory=list)
    complaint: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    source: list[str] = field(default_factory=list)

    def add(
        self,
        texts: Sequence[str],
        sentiment: Sequence[int],
        complaint: Sequence[int],
        weight: float,
        source: str,
    ) -> None:
        self.texts.extend(texts)
        self.sentiment.extend(sentiment)
        self.complaint.extend(complaint)
        self.weight.extend([weight] * len(texts))
        self.source.extend([source] * len(texts))


# ---------------------------------------------------------------- corpora


def read_tweeteval(folder: Path, split: str) -> tuple[list[str], list[int]]:
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    return texts[: len(labels)], [int(x) for x in labels]


def read_bitext(data_dir: Path) -> tuple[list[str], list[str]]:
    path = (
        data_dir / "bitext-customer-support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["instruction"] for r in rows], [r["intent"] for r in rows]


def read_seed_messages(path: Path = SEED_MESSAGES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def read_stackexchange_texts(data_dir: Path) -> list[str]:
    """Post bodies and comments, HTML stripped: unlabeled text for the similarity space."""
    folder = data_dir / "stackexchange-history-meta"
    texts: list[str] = []
    for name, attribute in (("Posts.xml", "Body"), ("Comments.xml", "Text")):
        pattern = re.compile(rf'{attribute}="([^"]*)"')
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            match = pattern.search(line)
            if match:
                body = html.unescape(html.unescape(match.group(1)))
                texts.append(re.sub(r"<[^>]+>", " ", body))
    return texts


def base_pool(data_dir: Path, seed_weight: float = 5.0) -> Pool:
    pool = Pool()
    for split in ("test", "val"):
        texts, labels = read_tweeteval(data_dir / "tweeteval-sentiment", split)
        # a tweet from these corpora is rarely addressed to a brand: neutral and
        # positive ones are safe non-complaints; negative ones stay unlabeled
        complaint = [0 if y > 0 else NO_LABEL for y in labels]
        pool.add(texts, labels, complaint, 1.0, "tweeteval")
    b_texts, intents = read_bitext(data_dir)
    rng = np.random.default_rng(SEED)
    keep = rng.permutation(len(b_texts))[:2000]
    is_complaint = [intents[i] in BITEXT_COMPLAINT_INTENTS for i in keep]
    pool.add(
        [b_texts[i] for i in keep],
        [0 if c else 1 for c in is_complaint],
        [1 if c else 0 for c in is_complaint],
        1.0,
        "bitext",
    )
    add_seed(pool, seed_weight)
    return pool


def add_seed(pool: Pool, weight: float) -> None:
    rows = read_seed_messages()
    pool.add(
        [r["text"] for r in rows],
        [SENTIMENT_INDEX[r["sentiment"]] for r in rows],
        [int(r["complaint"]) for r in rows],
        weight,
        "seed",
    )


# ---------------------------------------------------------------- lexicon


def vader_lexicon() -> tuple[dict[str, float], dict[str, str]]:
    """VADER's word valences and emoji descriptions (MIT), read from the vaderSentiment package."""
    import vaderSentiment.vaderSentiment as vader

    folder = Path(vader.__file__).parent
    words: dict[str, float] = {}
    for line in (folder / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            words[parts[0]] = float(parts[1])
    emoji: dict[str, str] = {}
    for line in (folder / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            emoji[parts[0]] = parts[1]
    return words, emoji


def lexicon_arrays(
    words: dict[str, float], emoji: dict[str, str]
) -> dict[str, npt.NDArray[np.generic]]:
    """Sparse (hashed n-gram -> lexicon column) weights, including negated bigrams."""
    token_re = re.compile(rf"^(?:{TOKEN_PATTERN})$")
    valence = {w: v for w, v in words.items() if token_re.match(w)}
    for symbol, description in emoji.items():
        if len(symbol) == 1 and token_re.match(symbol):
            scores = [words[w] for w in description.split() if w in words]
            if scores:
                valence[symbol] = float(np.mean(scores))
    valence["emopos"], valence["emoneg"] = 2.0, -2.0
    entries: dict[tuple[int, int], float] = {}

    def put(ngram: str, column: str, value: float) -> None:
        key = (feature_index(ngram), LEXICON_COLUMNS.index(column))
        entries[key] = entries.get(key, 0.0) + value

    for word, v in valence.items():
        if v > 0:
            put(word, "lex_pos", v)
        else:
            put(word, "lex_neg", -v)
        for negator in NEGATORS:
            bigram = f"{negator} {word}"
            if v > 0:  # "not good": cancel the praise, add a weaker blame
                put(bigram, "lex_pos", -v)
                put(bigram, "lex_neg", NEGATION_SCALAR * v)
            else:  # "not bad": cancel the blame, add a little praise
                put(bigram, "lex_neg", v)
                put(bigram, "lex_pos", -NEGATION_SCALAR * v * 0.5)
    for table, column in (
        (cues.COMPLAINT_CUES, "cue_complaint"),
        (cues.THANKS_CUES, "cue_thanks"),
        (cues.SUGGESTION_CUES, "cue_suggestion"),
    ):
        for ngram, weight in table.items():
            put(ngram, column, weight)
    for word in cues.ENGLISH_WORDS:
        put(word, "english", 1.0)
    put("?", "qmark", 1.0)
    put("!", "excl", 1.0)
    for word in cues.OFFENSIVE_WORDS:
        put(word, "offensive_word", 1.0)
    keys = sorted(entries)
    return {
        "lex_rows": np.array([k[0] for k in keys], dtype=np.int32),
        "lex_cols": np.array([k[1] for k in keys], dtype=np.int32),
        "lex_vals": np.array([entries[k] for k in keys], dtype=np.float32),
    }


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class Head:
    """A fitted linear head over the full hashed space."""

    coef: npt.NDArray[np.float64]  # (classes or 1, N_FEATURES)
    intercept: npt.NDArray[np.float64]

    def logits(self, x: sp.csr_matrix) -> npt.NDArray[np.float64]:
        return np.asarray(x @ self.coef.T) + self.intercept


def _fit_head(
    x: sp.csr_matrix, y: npt.NDArray[np.int64], w: npt.NDArray[np.float64], c: float
) -> Head:
    # fit only on the columns the data uses: L-BFGS's cost per iteration grows with
    # the parameter count, and the other 2^19 - k columns would stay zero anyway
    columns = np.unique(x.indices)
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit(x[:, columns], y, sample_weight=w)
    coef = np.zeros((model.coef_.shape[0], x.shape[1]))
    coef[:, columns] = model.coef_
    return Head(coef, model.intercept_)


SENTIMENT_C = 1.0
COMPLAINT_C = 1.0
OFFENSIVE_C = 1.0


def fit_classifiers(
    pool: Pool,
    offensive: tuple[list[str], list[int]],
    lexicon: dict[str, npt.NDArray[np.generic]],
    similarity: dict[str, npt.NDArray[np.generic]],
) -> dict[str, npt.NDArray[np.generic]]:
    """Fit stage 1 (n-gram heads) and stage 2 (dense combiners, on out-of-fold stage-1 logits)."""
    counts = hashed_counts([normalize(t) for t in pool.texts])
    x = binary_l2(counts)
    y_sent = np.array(pool.sentiment)
    y_comp = np.array(pool.complaint)
    weight = np.array(pool.weight, dtype=np.float64)
    has_comp = y_comp != NO_LABEL

    # out-of-fold head logits, so stage 2 learns how far to trust them on unseen text
    oof = np.zeros((len(pool.texts), 4), dtype=np.float64)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    strata = y_sent * 3 + (y_comp + 1)
    for train_idx, test_idx in folds.split(x, strata):
        sent = _fit_head(x[train_idx], y_sent[train_idx], weight[train_idx], SENTIMENT_C)
        oof[test_idx, :3] = sent.logits(x[test_idx])
        labelled = train_idx[has_comp[train_idx]]
        comp = _fit_head(x[labelled], y_comp[labelled], weight[labelled], COMPLAINT_C)
        oof[test_idx, 3] = comp.logits(x[test_idx])[:, 0]

    sent = _fit_head(x, y_sent, weight, SENTIMENT_C)
    comp = _fit_head(x[has_comp], y_comp[has_comp], weight[has_comp], COMPLAINT_C)
    off_counts = hashed_counts([normalize(t) for t in offensive[0]])
    off = _fit_head(
        binary_l2(off_counts), np.array(offensive[1]), np.ones(len(offensive[1])), OFFENSIVE_C
    )

    head_dense = np.zeros((x.shape[1], len(HEAD_COLUMNS)), dtype=np.float32)
    head_dense[:, :3] = sent.coef.T
    head_dense[:, 3] = comp.coef[0]
    head_dense[:, 4] = off.coef[0]
    rows = np.flatnonzero(np.abs(head_dense).sum(axis=1) > 1e-6).astype(np.int32)
    arrays: dict[str, npt.NDArray[np.generic]] = {
        **lexicon,
        **similarity,
        "head_rows": rows,
        "head_vals": head_dense[rows].astype(np.float16),
        "head_intercepts": np.concatenate([sent.intercept, comp.intercept, off.intercept]).astype(
            np.float32
        ),
    }

    # stage 2 sees the same dense features the runtime computes, with the
    # stage-1 columns replaced by their out-of-fold values
    provisional = _with_placeholder_stage2(arrays)
    features = provisional.features(pool.texts)
    dense = features.dense.astype(np.float64)
    dense[:, :4] = oof
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0) + 1e-6
    z = (dense - mean) / scale
    source_weight = _balanced_source_weight(pool)
    stage2_sent = LogisticRegression(C=0.3, max_iter=2000, random_state=SEED)
    stage2_sent.fit(z, y_sent, sample_weight=source_weight)
    stage2_comp = LogisticRegression(C=0.3, max_iter=2000, random_state=SEED)
    stage2_comp.fit(z[has_comp], y_comp[has_comp], sample_weight=source_weight[has_comp])
    arrays.update(
        dense_mean=mean.astype(np.float32),
        dense_scale=scale.astype(np.float32),
        sentiment_coef=stage2_sent.coef_.T.astype(np.float32),
        sentiment_intercept=stage2_sent.intercept_.astype(np.float32),
        complaint_coef=stage2_comp.coef_[0].astype(np.float32),
        complaint_intercept=stage2_comp.intercept_.astype(np.float32),
    )
    return arrays


def _balanced_source_weight(pool: Pool) -> npt.NDArray[np.float64]:
    """Give every source the same total weight (times its pool weight), so no corpus's
    class balance dominates the few stage-2 weights."""
    sources = np.array(pool.source)
    weight = np.array(pool.weight, dtype=np.float64)
    out = np.empty(len(sources))
    for name in np.unique(sources):
        mask = sources == name
        out[mask] = weight[mask] / mask.sum()
    return out * len(sources) / out.sum()


def _with_placeholder_stage2(arrays: dict[str, npt.NDArray[np.generic]]) -> Model:
    dim = 13
    return Model(
        {
            **arrays,
            "dense_mean": np.zeros(dim, np.float32),
            "dense_scale": np.ones(dim, np.float32),
            "sentiment_coef": np.zeros((dim, 3), np.float32),
            "sentiment_intercept": np.zeros(3, np.float32),
            "complaint_coef": np.zeros(dim, np.float32),
            "complaint_intercept": np.zeros(1, np.float32),
        }
    )


def similarity_arrays(corpus: Sequence[str]) -> dict[str, npt.NDArray[np.generic]]:
    """IDF and an LSA projection of the folded n-gram space, fit on unlabeled text."""
    counts = content_counts(corpus)
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.log((1 + len(corpus)) / (1 + df)) + 1.0
    counts.data = np.log1p(counts.data)
    weighted = counts @ sp.diags(idf.astype(np.float32))
    svd = TruncatedSVD(n_components=SIMILARITY_LSA_DIM, random_state=SEED, algorithm="randomized")
    svd.fit(weighted)
    assert svd.components_.shape == (SIMILARITY_LSA_DIM, SIMILARITY_BUCKETS)
    return {
        "similarity_idf": idf.astype(np.float16),
        "similarity_lsa": svd.components_.astype(np.float16),
    }


def train_from_corpora(data_dir: Path, output: Path = DEFAULT_MODEL_PATH) -> Path:
    """The `make train` path: everything from the permitted corpora and the seed messages."""
    words, emoji = vader_lexicon()
    lexicon = lexicon_arrays(words, emoji)
    pool = base_pool(data_dir)
    off_train = read_tweeteval(data_dir / "tweeteval-offensive", "train")
    off_val = read_tweeteval(data_dir / "tweeteval-offensive", "val")
    offensive = (off_train[0] + off_val[0], off_train[1] + off_val[1])
    corpus = pool.texts + offensive[0] + read_stackexchange_texts(data_dir)
    similarity = similarity_arrays(corpus)
    arrays = fit_classifiers(pool, offensive, lexicon, similarity)
    save_model(output, arrays)
    return output


# ---------------------------------------------------------------- organization labels


LABEL_ALIASES = {
    "negative": 0,
    "neg": 0,
    "-1": 0,
    "0": 0,
    "neutral": 1,
    "neu": 1,
    "1": 1,
    "positive": 2,
    "pos": 2,
    "2": 2,
}


def read_labelled(path: Path, text_column: str = "text") -> tuple[list[str], list[int], list[int]]:
    """Read an organization's labelled messages (CSV or JSONL) with `sentiment` and/or
    `complaint` columns. A missing label becomes NO_LABEL."""
    records: Iterable[dict[str, object]]
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        with path.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
    texts: list[str] = []
    sentiment: list[int] = []
    complaint: list[int] = []
    for record in records:
        text = record.get(text_column)
        if not isinstance(text, str):
            continue
        raw_sentiment = str(record.get("sentiment", "")).strip().lower()
        raw_complaint = str(record.get("complaint", "")).strip().lower()
        texts.append(text)
        sentiment.append(LABEL_ALIASES.get(raw_sentiment, NO_LABEL))
        complaint.append(
            1
            if raw_complaint in {"1", "true", "yes"}
            else 0
            if raw_complaint in {"0", "false", "no"}
            else NO_LABEL
        )
    return texts, sentiment, complaint


def train_with_organization_labels(
    input_path: Path,
    output: Path,
    data_dir: Path | None = None,
    text_column: str = "text",
    weight: float = 5.0,
) -> tuple[Path, int]:
    """Refit the classifiers with an organization's labelled messages weighted in.

    Keeps the shipped lexicon and similarity space. Uses the public corpora when
    `data_dir` holds them, else the seed messages alone as the base.
    """
    texts, sentiment, complaint = read_labelled(input_path, text_column)
    if not texts:
        raise ValueError(f"no labelled texts found in {input_path} (column {text_column!r})")
    base = load_model(DEFAULT_MODEL_PATH)
    shipped = np.load(DEFAULT_MODEL_PATH)
    keep = ("lex_rows", "lex_cols", "lex_vals", "similarity_idf", "similarity_lsa")
    fixed = {key: shipped[key] for key in keep}
    del base
    if data_dir is not None and (data_dir / "tweeteval-sentiment").exists():
        pool = base_pool(data_dir)
        off_train = read_tweeteval(data_dir / "tweeteval-offensive", "train")
        offensive = off_train
    else:
        pool = Pool()
        add_seed(pool, 1.0)
        offensive = _offensive_from_lexicon(pool.texts)
    # rows with no sentiment label take the current model's answer, so that a
    # complaint-only file still trains both heads
    if NO_LABEL in sentiment:
        from fireside.signals.core import analyze_batch

        guessed = [SENTIMENT_INDEX[s.sentiment] for s in analyze_batch(texts)]
        sentiment = [g if s == NO_LABEL else s for s, g in zip(sentiment, guessed, strict=True)]
    pool.add(texts, sentiment, complaint, weight, "organization")
    arrays = fit_classifiers(pool, offensive, fixed, {k: fixed[k] for k in keep[3:]})
    save_model(output, arrays)
    return output, len(texts)


def _offensive_from_lexicon(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    words = set(cues.OFFENSIVE_WORDS)
    labels = [int(any(w in words for w in normalize(t).split())) for t in texts]
    if len(set(labels)) < 2:  # a classifier needs both classes
        texts = [*texts, "you are a fucking idiot"]
        labels = [*labels, 1]
    return list(texts), labels
