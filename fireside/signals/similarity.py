"""Similarity vectors and a near-duplicate index.

A text's vector is its IDF-weighted content-word counts (stop words dropped,
endings stripped, so "delivered" meets "delivery"), hashed into
SIMILARITY_BUCKETS buckets and projected two ways, then concatenated:
- a fixed random projection keeps the exact wording (same idea posted twice);
- an LSA projection fit on unlabeled text puts words that co-occur near each
  other, so a complaint told in other words still lands close by.
Vectors are unit length, so a dot product is the cosine; as float16 bytes a
vector takes 2 * SIMILARITY_DIM bytes, small enough to store beside each post.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from fireside.signals.cues import ENGLISH_WORDS
from fireside.signals.text import normalize, tokens

SIMILARITY_BUCKETS = 2**14
SIMILARITY_LSA_DIM = 64
SIMILARITY_RANDOM_DIM = 256
SIMILARITY_DIM = SIMILARITY_LSA_DIM + SIMILARITY_RANDOM_DIM
# how much the meaning-level (LSA) part counts against the wording-level part
LSA_SHARE = 0.3

FloatArray = npt.NDArray[np.float32]


_STOP_WORDS = ENGLISH_WORDS | frozenset(
    [
        "usertoken",
        "urltoken",
        "emopos",
        "emoneg",
        "i",
        "a",
        "my",
        "me",
        "in",
        "on",
        "an",
        "so",
        "was",
        "is",
        "it's",
        "its",
        "be",
        "been",
        "has",
        "have",
        "had",
        "should",
        "would",
        "could",
        "yet",
        "still",
        "not",
        "no",
        "any",
        "some",
        "there",
        "their",
        "they",
        "you",
        "your",
        "we",
        "our",
        "us",
        "did",
        "do",
        "does",
        "done",
        "get",
        "got",
        "also",
        "into",
        "onto",
        "from",
        "by",
        "at",
        "as",
        "of",
        "to",
        "and",
        "or",
        "but",
        "if",
        "then",
        "than",
        "ago",
        "back",
        "where",
        "when",
        "what",
        "who",
        "how",
        "why",
        "which",
        "this",
        "that",
        "these",
        "those",
        "again",
        "very",
        "really",
        "just",
        "too",
        "much",
        "many",
        "more",
        "most",
        "please",
    ]
)
_ENDING = re.compile(r"(?:ing|ed|es|s|ly)$")


def content_words(text: str) -> str:
    """Words that carry a text's topic, with common English endings stripped."""
    words = []
    for token in tokens(normalize(text)):
        if token in _STOP_WORDS or len(token) < 3 or not token[0].isalnum():
            continue
        stem = _ENDING.sub("", token) if len(token) > 4 else token
        words.append(stem.replace("'", ""))
    return " ".join(words)


_CONTENT_VECTORIZER = HashingVectorizer(
    n_features=SIMILARITY_BUCKETS,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    token_pattern=r"\S+",  # noqa: S106 (a regex, not a secret)
    dtype=np.float32,
)


def content_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Hashed content-word counts, the input of similarity vectors."""
    matrix: sp.csr_matrix = _CONTENT_VECTORIZER.transform([content_words(t) for t in texts])
    return matrix


@lru_cache(maxsize=1)
def _random_projection() -> FloatArray:
    rng = np.random.default_rng(7)
    signs = rng.choice(
        np.array([-1.0, 1.0], dtype=np.float32), size=(SIMILARITY_BUCKETS, SIMILARITY_RANDOM_DIM)
    )
    return (signs / np.sqrt(SIMILARITY_RANDOM_DIM)).astype(np.float32)


def similarity_vectors(texts: Sequence[str], idf: FloatArray, lsa: FloatArray) -> FloatArray:
    """Unit vectors (n, SIMILARITY_DIM) for a batch of texts."""
    counts = content_counts(texts)
    # sublinear term frequency: one repeated word should not dominate
    counts.data = np.log1p(counts.data).astype(np.float32)
    weighted = counts.multiply(idf[None, :]).tocsr()
    parts = []
    for projection, share in ((lsa.T, LSA_SHARE), (_random_projection(), 1.0 - LSA_SHARE)):
        part = np.asarray(weighted @ projection, dtype=np.float32)
        part /= np.linalg.norm(part, axis=1, keepdims=True) + 1e-9
        parts.append(part * np.sqrt(share))
    vectors = np.hstack(parts)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    return vectors.astype(np.float32)


def to_bytes(vector: FloatArray) -> bytes:
    """Compact storage form: float16, 2 bytes per dimension."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes) -> FloatArray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


class NearDuplicateIndex:
    """In-memory index of similarity vectors; search is one matrix product per query batch.

    Exhaustive search over float16 vectors: a million entries take 384 MB and a
    query about a tenth of a second. Beyond that, store the bytes in a vector
    database and keep this class for the encoding.
    """

    def __init__(self) -> None:
        self._keys: list[Hashable] = []
        self._chunks: list[npt.NDArray[np.float16]] = []
        self._matrix: npt.NDArray[np.float16] | None = None

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, keys: Sequence[Hashable], vectors: FloatArray) -> None:
        if len(keys) != len(vectors):
            raise ValueError("one key per vector")
        self._keys.extend(keys)
        self._chunks.append(np.asarray(vectors, dtype=np.float16).reshape(len(keys), -1))
        self._matrix = None

    def add_texts(self, keys: Sequence[Hashable], texts: Sequence[str]) -> None:
        from fireside.signals.core import similarity_vectors_for

        self.add(keys, similarity_vectors_for(texts))

    def search(
        self, vectors: FloatArray, k: int = 5, min_similarity: float = 0.0
    ) -> list[list[tuple[Hashable, float]]]:
        """For each query vector, up to `k` (key, cosine) pairs, best first."""
        if not self._keys:
            return [[] for _ in range(len(vectors))]
        if self._matrix is None:
            self._matrix = np.vstack(self._chunks)
            self._chunks = [self._matrix]
        queries = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        scores = queries @ self._matrix.T.astype(np.float32)
        k = min(k, len(self._keys))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        results = []
        for row, candidates in zip(scores, top, strict=True):
            ordered = candidates[np.argsort(-row[candidates])]
            results.append(
                [(self._keys[i], float(row[i])) for i in ordered if row[i] >= min_similarity]
            )
        return results

    def search_texts(
        self, texts: Sequence[str], k: int = 5, min_similarity: float = 0.0
    ) -> list[list[tuple[Hashable, float]]]:
        from fireside.signals.core import similarity_vectors_for

        return self.search(similarity_vectors_for(texts), k, min_similarity)
