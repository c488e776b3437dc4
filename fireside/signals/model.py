"""The trained model bundle: loading it, and turning a batch of texts into scores.

Two stages, both linear, so a batch costs a few sparse matrix products:
1. over the hashed n-gram space, per-text sums of lexicon and cue weights
   (VADER's valences with negation, complaint/thanks/suggestion cues) and the
   logits of n-gram classifiers trained on the permitted corpora;
2. small logistic regressions over those dozen dense features, which decide
   how much to trust each source. Stage 2 is where cross-domain robustness
   comes from: its few weights cannot memorize a corpus.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fireside.signals.cues import QUESTION_WORDS
from fireside.signals.text import N_FEATURES, hashed_counts, normalize

FloatArray = npt.NDArray[np.float32]

LEXICON_COLUMNS = (
    "lex_pos",
    "lex_neg",
    "cue_complaint",
    "cue_thanks",
    "cue_suggestion",
    "english",
    "qmark",
    "excl",
    "offensive_word",
)
HEAD_COLUMNS = ("ng_negative", "ng_neutral", "ng_positive", "ng_complaint", "ng_offensive")
DENSE_COLUMNS = (
    "ng_negative",
    "ng_neutral",
    "ng_positive",
    "ng_complaint",
    "lex_pos",
    "lex_neg",
    "cue_complaint",
    "cue_thanks",
    "cue_suggestion",
    "qmark",
    "excl",
    "log_tokens",
    "starts_question",
)
SENTIMENT_LABELS = ("negative", "neutral", "positive")

DEFAULT_MODEL_PATH = Path(__file__).parent / "artifacts" / "signals_model.npz"
MODEL_ENV = "FIRESIDE_SIGNALS_MODEL"

_LEADING_WORDS = frozenset(
    {"usertoken", "urltoken", "hi", "hello", "hey", "ok", "okay", "so", "and", "but", "also"}
)
_QUESTION_WORDS = frozenset(QUESTION_WORDS)
_STRIP = ".,:;!-\"'"


def starts_question(normalized: str) -> bool:
    """Whether the text opens with a question word, after greetings and mentions."""
    for word in normalized.split(None, 8):
        word = word.strip(_STRIP)
        if word in _LEADING_WORDS or not word:
            continue
        return word in _QUESTION_WORDS
    return False


@dataclass(frozen=True)
class Features:
    """Everything the heads need about a batch, computed once."""

    normalized: list[str]
    counts: sp.csr_matrix
    lexicon: FloatArray  # (n, len(LEXICON_COLUMNS))
    heads: FloatArray  # (n, len(HEAD_COLUMNS)) n-gram logits, intercepts included
    dense: FloatArray  # (n, len(DENSE_COLUMNS))

    def column(self, name: str) -> FloatArray:
        if name in LEXICON_COLUMNS:
            return self.lexicon[:, LEXICON_COLUMNS.index(name)]
        return self.heads[:, HEAD_COLUMNS.index(name)]


@dataclass(frozen=True)
class Scores:
    sentiment_probabilities: FloatArray  # (n, 3) in SENTIMENT_LABELS order
    complaint_probability: FloatArray
    offensive_probability: FloatArray
    starts_question: npt.NDArray[np.bool_]


class Model:
    """A loaded bundle of weights; immutable and safe to share across threads."""

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        self.lexicon_weights: sp.csr_matrix = sp.csr_matrix(
            (arrays["lex_vals"], (arrays["lex_rows"], arrays["lex_cols"])),
            shape=(N_FEATURES, len(LEXICON_COLUMNS)),
            dtype=np.float32,
        )
        head_weights = np.zeros((N_FEATURES, len(HEAD_COLUMNS)), dtype=np.float32)
        head_weights[arrays["head_rows"]] = arrays["head_vals"]
        self.head_weights = head_weights
        self.head_intercepts = arrays["head_intercepts"].astype(np.float32)
        self.dense_mean = arrays["dense_mean"].astype(np.float32)
        self.dense_scale = arrays["dense_scale"].astype(np.float32)
        self.sentiment_coef = arrays["sentiment_coef"].astype(np.float32)
        self.sentiment_intercept = arrays["sentiment_intercept"].astype(np.float32)
        self.complaint_coef = arrays["complaint_coef"].astype(np.float32)
        self.complaint_intercept = float(arrays["complaint_intercept"][0])
        self.similarity_idf = arrays["similarity_idf"].astype(np.float32)
        self.similarity_lsa = arrays["similarity_lsa"].astype(np.float32)

    def features(self, texts: Sequence[str]) -> Features:
        normalized = [normalize(t) for t in texts]
        counts = hashed_counts(normalized)
        lexicon = (counts @ self.lexicon_weights).toarray().astype(np.float32)
        heads = np.asarray(binary_l2(counts) @ self.head_weights, dtype=np.float32)
        heads += self.head_intercepts
        n_ngrams = np.asarray(counts.sum(axis=1), dtype=np.float32).ravel()
        n_tokens = (n_ngrams + 1.0) / 2.0
        opens_question = np.fromiter(
            (starts_question(t) for t in normalized),
            dtype=np.float32,
            count=len(normalized),
        )
        dense = np.column_stack(
            [heads[:, :4], lexicon[:, :5], lexicon[:, 6:8], np.log1p(n_tokens), opens_question]
        ).astype(np.float32)
        return Features(normalized, counts, lexicon, heads, dense)

    def scores(self, features: Features) -> Scores:
        z = (features.dense - self.dense_mean) / self.dense_scale
        logits = z @ self.sentiment_coef + self.sentiment_intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        complaint = _sigmoid(z @ self.complaint_coef + self.complaint_intercept)
        offensive = _sigmoid(features.column("ng_offensive"))
        return Scores(
            probabilities.astype(np.float32),
            complaint.astype(np.float32),
            offensive.astype(np.float32),
            features.dense[:, DENSE_COLUMNS.index("starts_question")] > 0,
        )


def binary_l2(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Presence of each n-gram, scaled so that every text's row has unit length."""
    binary = counts.copy()
    binary.data[:] = 1.0
    lengths = np.sqrt(np.diff(binary.indptr)).astype(np.float32)
    lengths[lengths == 0] = 1.0
    binary.data /= np.repeat(lengths, np.diff(binary.indptr))
    return binary


def _sigmoid(x: npt.NDArray[np.floating[Any]]) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -30, 30))), dtype=np.float32)


def load_model(path: str | os.PathLike[str] | None = None) -> Model:
    """Load a bundle; by default the one named by $FIRESIDE_SIGNALS_MODEL or the shipped one."""
    return _load_cached(str(path or os.environ.get(MODEL_ENV) or DEFAULT_MODEL_PATH))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Model:
    with np.load(path) as bundle:
        return Model({key: bundle[key] for key in bundle.files})


def save_model(path: str | os.PathLike[str], arrays: dict[str, npt.NDArray[np.generic]]) -> None:
    """Write a bundle compactly; the n-gram heads keep only rows seen in training."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]
