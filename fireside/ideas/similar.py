"""Similar threads and ideas: what a member should find before posting a duplicate.

Each thread and idea has a `SimilarityEntry`: its content words and the signals
library's unit similarity vector. Every server process keeps them in memory, loaded on
first use and topped up with the rows added since (ids only grow: an entry whose text
changes is replaced by a new row). A search is two steps, so that it stays fast at
100,000 items on a small machine:

1. candidates: the items sharing the query's content words, scored by the words' idf
   through an inverted index (only the postings of the query's words are touched);
2. ranking: the exact cosine of the stored vectors (float16, one dot product per
   candidate), the same measure as `fireside.signals`.

Visibility is applied after scoring: spaces the viewer may not enter are masked out,
then the best few are checked against the database (hidden, deleted, audience).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction

from fireside.community.models import Thread
from fireside.community.queries import Viewer, visible_space_ids
from fireside.ideas.models import Idea, ItemKind, SimilarityEntry, Status
from fireside.signals import from_bytes, similarity_vectors_for, to_bytes
from fireside.signals.similarity import content_words

CANDIDATES = 400
MIN_SCORE = 0.2
THREAD_BODY_CHARS = 400
_KIND_CODE = {ItemKind.THREAD: 0, ItemKind.IDEA: 1}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    url: str
    score: float


def idea_text(idea: Idea) -> str:
    # The title says what the idea is; it counts twice against the description.
    return f"{idea.title}. {idea.title}. {idea.description[:THREAD_BODY_CHARS]}"


def thread_text(title: str, body: str) -> str:
    return f"{title}. {title}. {body[:THREAD_BODY_CHARS]}"


# Writing entries ----------------------------------------------------------------------


def store_entries(kind: str, items: Sequence[tuple[int, int, str]]) -> int:
    """Replace the entries of (object_id, space_id, text) items in one batch."""
    if not items:
        return 0
    vectors = similarity_vectors_for([text for _i, _s, text in items])
    rows = [SimilarityEntry(kind=kind, object_id=oid, space_id=sid,
                            terms=content_words(text)[:2000], vector=to_bytes(vec))
            for (oid, sid, text), vec in zip(items, vectors, strict=True)]
    with transaction.atomic():
        SimilarityEntry.objects.filter(kind=kind, object_id__in=[i for i, _s, _t in items]).delete()
        SimilarityEntry.objects.bulk_create(rows)
    return len(rows)


def index_ideas(idea_ids: Iterable[int]) -> int:
    ideas = Idea.objects.filter(pk__in=list(idea_ids)).select_related("campaign")
    return store_entries(ItemKind.IDEA, [(i.pk, i.campaign.space_id, idea_text(i))
                                         for i in ideas])


def index_threads(thread_ids: Iterable[int]) -> int:
    rows = (Thread.objects.filter(pk__in=list(thread_ids), idea__isnull=True,
                                  posts__is_opening=True)
            .values_list("id", "space_id", "title", "posts__body_text"))
    return store_entries(ItemKind.THREAD, [(tid, sid, thread_text(title, body or ""))
                                           for tid, sid, title, body in rows])


def unindexed_idea_ids(limit: int = 1000) -> list[int]:
    """Approved ideas newer than the newest indexed one (a lost indexing task, say)."""
    last = (SimilarityEntry.objects.filter(kind=ItemKind.IDEA).order_by("-object_id")
            .values_list("object_id", flat=True).first()) or 0
    return list(Idea.objects.filter(pk__gt=last, is_approved=True).order_by("pk")
                .values_list("pk", flat=True)[:limit])


def unindexed_thread_ids(limit: int = 1000) -> list[int]:
    """Threads newer than the newest indexed one (idea discussions are indexed as ideas)."""
    last = (SimilarityEntry.objects.filter(kind=ItemKind.THREAD).order_by("-object_id")
            .values_list("object_id", flat=True).first()) or 0
    return list(Thread.objects.filter(pk__gt=last, idea__isnull=True).order_by("pk")
                .values_list("pk", flat=True)[:limit])


# The in-memory index ------------------------------------------------------------------


class SimilarIndex:
    """Vectors and an inverted index of content words, topped up from the table."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_id = 0
        self.size = 0
        self.dim = 0
        self.kinds = np.zeros(0, dtype=np.int8)
        self.ids = np.zeros(0, dtype=np.int64)
        self.spaces = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.vectors = np.zeros((0, 0), dtype=np.float16)
        self.slots: dict[tuple[int, int], int] = {}
        self.postings: dict[str, list[int]] = {}
        self._arrays: dict[str, npt.NDArray[np.int64]] = {}

    def refresh(self) -> None:
        """Load the entries added since the last refresh; cheap when there are none."""
        rows = list(SimilarityEntry.objects.filter(id__gt=self.last_id).order_by("id")
                    .values_list("id", "kind", "object_id", "space_id", "terms", "vector"))
        if not rows:
            return
        with self.lock:
            self._add(rows)

    def _grow(self, needed: int, dim: int) -> None:
        if dim != self.dim:  # a new vector size (a retrained model): start over
            self.size, self.dim = 0, dim
            self.slots, self.postings, self._arrays = {}, {}, {}
            self.ids = np.zeros(0, dtype=np.int64)
        capacity = len(self.ids)
        if needed <= capacity and self.vectors.shape[1:] == (dim,):
            return
        new_cap = max(needed, int(capacity * 1.5) + 1024)

        def grown(arr: npt.NDArray[Any], shape: tuple[int, ...], dtype: Any) -> npt.NDArray[Any]:
            out: npt.NDArray[Any] = np.zeros(shape, dtype=dtype)
            if self.size:
                out[: self.size] = arr[: self.size]
            return out

        self.kinds = grown(self.kinds, (new_cap,), np.int8)
        self.ids = grown(self.ids, (new_cap,), np.int64)
        self.spaces = grown(self.spaces, (new_cap,), np.int64)
        self.alive = grown(self.alive, (new_cap,), bool)
        self.vectors = grown(self.vectors, (new_cap, dim), np.float16)

    def _add(self, rows: list[tuple[int, str, int, int, str, bytes | memoryview]]) -> None:
        dim = len(from_bytes(bytes(rows[-1][5])))
        self._grow(self.size + len(rows), dim)
        for entry_id, kind, object_id, space_id, terms, vector in rows:
            self.last_id = max(self.last_id, entry_id)
            raw = np.frombuffer(bytes(vector), dtype=np.float16)
            if len(raw) != self.dim:
                continue
            key = (_KIND_CODE[ItemKind(kind)], object_id)
            old = self.slots.get(key)
            if old is not None:
                self.alive[old] = False
            slot = self.size
            self.size += 1
            self.slots[key] = slot
            self.kinds[slot], self.ids[slot], self.spaces[slot] = key[0], object_id, space_id
            self.alive[slot] = True
            self.vectors[slot] = raw
            for word in set(terms.split()):
                self.postings.setdefault(word, []).append(slot)
                self._arrays.pop(word, None)

    def _postings(self, word: str) -> npt.NDArray[np.int64]:
        array = self._arrays.get(word)
        if array is None:
            array = np.asarray(self.postings.get(word, ()), dtype=np.int64)
            self._arrays[word] = array
        return array

    def search(self, text: str, *, kind: int | None, space_ids: Iterable[int],
               limit: int) -> list[tuple[int, int, float]]:
        """(kind code, object id, cosine) pairs, best first, in the given spaces."""
        words = set(content_words(text).split())
        if not words or self.size == 0:
            return []
        with self.lock:
            lists, weights = [], []
            for word in words:
                postings = self._postings(word)
                if len(postings):
                    lists.append(postings)
                    weights.append(math.log(1 + self.size / len(postings)))
            if not lists:
                return []
            slots = np.concatenate(lists)
            idf = np.repeat(np.asarray(weights, dtype=np.float32), [len(p) for p in lists])
            scores = np.bincount(slots, weights=idf, minlength=self.size)[: self.size]
            allowed = self.alive[: self.size] & np.isin(self.spaces[: self.size],
                                                        np.fromiter(space_ids, dtype=np.int64))
            if kind is not None:
                allowed &= self.kinds[: self.size] == kind
            scores = np.where(allowed, scores, 0.0)
            hits = np.flatnonzero(scores)
            if len(hits) > CANDIDATES:
                hits = hits[np.argpartition(-scores[hits], CANDIDATES - 1)[:CANDIDATES]]
            if not len(hits):
                return []
            query = similarity_vectors_for([text])[0]
            cosines = self.vectors[hits].astype(np.float32) @ query
            order = np.argsort(-cosines)[: limit]
            return [(int(self.kinds[hits[i]]), int(self.ids[hits[i]]), float(cosines[i]))
                    for i in order if cosines[i] >= MIN_SCORE]


_index = SimilarIndex()


def get_index() -> SimilarIndex:
    _index.refresh()
    return _index


def reset_index() -> None:
    """Forget everything in memory (tests with a fresh database)."""
    global _index
    _index = SimilarIndex()


def similar(viewer: Viewer, text: str, *, kind: str | None = None, limit: int = 5,
            exclude_idea: int | None = None) -> list[Hit]:
    """The most similar visible threads or ideas, best first."""
    text = (text or "")[:500]
    limit = max(1, min(limit, 50))
    code = _KIND_CODE[ItemKind(kind)] if kind else None
    from fireside.ideas.tasks import nudge_index

    nudge_index()
    found = get_index().search(text, kind=code, space_ids=visible_space_ids(viewer),
                               limit=limit * 3 + 1)
    if not found:
        return []
    from fireside.ideas.queries import visible_campaign_ids

    thread_ids = [oid for k, oid, _s in found if k == 0]
    idea_ids = [oid for k, oid, _s in found if k == 1 and oid != exclude_idea]
    threads = dict(Thread.objects.filter(pk__in=thread_ids, is_hidden=False, is_deleted=False)
                   .values_list("id", "title")) if thread_ids else {}
    ideas = dict(Idea.objects.filter(pk__in=idea_ids, is_approved=True,
                                     campaign_id__in=visible_campaign_ids(viewer))
                 .exclude(status=Status.MERGED).values_list("id", "title")) if idea_ids else {}
    hits = []
    for k, oid, score in found:
        if k == 0 and oid in threads:
            hits.append(Hit("thread", oid, threads[oid], f"/t/{oid}", round(score, 4)))
        elif k == 1 and oid in ideas:
            hits.append(Hit("idea", oid, ideas[oid], f"/ideas/{oid}", round(score, 4)))
        if len(hits) == limit:
            break
    return hits
