"""The public entry points: analyze one text or a batch, and encode texts for similarity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fireside.signals import guidelines, intent, language
from fireside.signals.guidelines import DEFAULT_CONFIG, Finding, GuidelineConfig
from fireside.signals.model import Model, load_model
from fireside.signals.sentiment import sentiment_labels
from fireside.signals.similarity import similarity_vectors
from fireside.signals.text import MAX_MODEL_CHARS

COMPLAINT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Signals:
    """What Fireside reads in one text."""

    sentiment: str  # negative | neutral | positive
    sentiment_score: float  # in [-1, 1]
    intent: str  # complaint | question | praise | suggestion | other
    complaint: bool
    complaint_probability: float
    language: str  # ISO 639-1 code, or "und"
    guideline_findings: tuple[Finding, ...]

    @property
    def guideline_flags(self) -> list[str]:
        """The distinct kinds of finding, sorted: e.g. ["email", "offensive"]."""
        return sorted({f.kind for f in self.guideline_findings})

    def to_dict(self) -> dict[str, object]:
        return {
            "sentiment": self.sentiment,
            "sentiment_score": round(self.sentiment_score, 4),
            "intent": self.intent,
            "complaint": self.complaint,
            "complaint_probability": round(self.complaint_probability, 4),
            "language": self.language,
            "guideline_flags": self.guideline_flags,
            "guideline_findings": [f.to_dict() for f in self.guideline_findings],
        }


def clean_text(value: object) -> str:
    """Any input as analyzable text: None is empty, bytes are decoded leniently,
    and unpaired surrogates (from broken input) are replaced."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", errors="replace").decode("utf-8")


def analyze_batch(
    texts: Sequence[object],
    config: GuidelineConfig = DEFAULT_CONFIG,
    model: Model | None = None,
) -> list[Signals]:
    """Analyze many texts at once; much faster per text than calling `analyze` in a loop."""
    if not texts:
        return []
    model = model or load_model()
    clean = [clean_text(t) for t in texts]
    features = model.features(clean)
    scores = model.scores(features)
    labels, sentiment_scores = sentiment_labels(scores.sentiment_probabilities)
    complaint = scores.complaint_probability >= COMPLAINT_THRESHOLD
    intents = intent.intents(
        complaint,
        features.column("cue_suggestion"),
        features.column("qmark"),
        scores.starts_question,
        labels,
    )
    languages = language.detect_batch(clean, features.column("english"), features.normalized)
    offensive_words = features.column("offensive_word")
    findings = [
        guidelines.check(
            text,
            float(probability),
            config,
            offensive_word_seen=bool(seen) or len(text) > MAX_MODEL_CHARS,
        )
        for text, probability, seen in zip(
            clean, scores.offensive_probability, offensive_words, strict=True
        )
    ]
    return [
        Signals(
            sentiment=labels[i],
            sentiment_score=float(sentiment_scores[i]),
            intent=intents[i],
            complaint=bool(complaint[i]),
            complaint_probability=float(scores.complaint_probability[i]),
            language=languages[i],
            guideline_findings=tuple(findings[i]),
        )
        for i in range(len(clean))
    ]


def analyze(text: object, config: GuidelineConfig = DEFAULT_CONFIG) -> Signals:
    """Analyze one text. Never raises on content: empty, huge or binary input gets an answer."""
    return analyze_batch([text], config)[0]


def similarity_vectors_for(
    texts: Sequence[object], model: Model | None = None
) -> npt.NDArray[np.float32]:
    """Unit-length similarity vectors, one row per text (see similarity.py)."""
    model = model or load_model()
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    clean = [clean_text(t) for t in texts]
    return similarity_vectors(clean, model.similarity_idf, model.similarity_lsa)


def similarity_vector(text: object) -> npt.NDArray[np.float32]:
    """One text's unit-length similarity vector; cosine similarity is a dot product."""
    return similarity_vectors_for([text])[0]
