"""Similarity vectors and a near-duplicate index.

A text's vector is its IDF-weighted word uni+bigram counts, folded into
SIMILARITY_BUCKETS hashed buckets and projected two ways, then concatenated:
- a fixed random projection keeps the exact wording (same idea posted twice);
- an LSA projection fit on unlabeled text puts words that co-occur near each
  other, so a complaint told in other words still lands close by.
Vectors are unit length, so a dot product is the cosine; as float16 bytes a
vector takes 2 * SIMILARITY_DIM bytes, small enough to store beside each post.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fireside.signals.text import N_FEATURES

SIMILARITY_BUCKETS = 2**14
SIMILARITY_LSA_DIM = 64
SIMILARITY_RANDOM_DIM = 128
SIMILARITY_DIM = SIMILARITY_LSA_DIM + SIMILARITY_RANDOM_DIM
# how much the meaning-level (LSA) part counts against the wording-level part
LSA_SHARE = 0.5

FloatArray = npt.NDArray[np.float32]


@lru_cache(maxsize=1)
def _fold_matrix() -> sp.csr_matrix:
    rows = np.arange(N_FEATURES)
    return sp.csr_matrix(
        (np.ones(N_FEATURES, dtype=np.float32), (rows, rows % SIMILARITY_BUCKETS)),
        shape=(N_FEATURES, SIMILARITY_BUCKETS),
    )


def fold(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Fold the hashed n-gram space into SIMILARITY_BUCKETS columns."""
    folded: sp.csr_matrix = counts @ _fold_matrix()
    return folded


@lru_cache(maxsize=1)
def _random_projection() -> FloatArray:
    rng = np.random.default_rng(7)
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(SIMILARITY_BUCKETS, SIMILARITY_RANDOM_DIM))
    return (signs / np.sqrt(SIMILARITY_RANDOM_DIM)).astype(np.float32)


def similarity_vectors(counts: sp.csr_matrix, idf: FloatArray, lsa: FloatArray) -> FloatArray:
    """Unit vectors (n, SIMILARITY_DIM) for a batch of hashed n-gram counts."""
    weighted = fold(counts).multiply(idf[None, :]).tocsr()
    # sublinear term frequency: one repeated word should not dominate
    weighted.data = np.log1p(weighted.data).astype(np.float32)
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
