"""Fireside signals: what a text says and how, usable without a server.

from fireside.signals import analyze, analyze_batch
analyze("@acme my order still hasn't arrived").complaint  # True
"""

from fireside.signals.core import (
    Signals,
    analyze,
    analyze_batch,
    similarity_vector,
    similarity_vectors_for,
)
from fireside.signals.guidelines import Finding, GuidelineConfig
from fireside.signals.intent import INTENTS
from fireside.signals.model import SENTIMENT_LABELS, load_model
from fireside.signals.similarity import NearDuplicateIndex, from_bytes, to_bytes

__all__ = [
    "INTENTS",
    "SENTIMENT_LABELS",
    "Finding",
    "GuidelineConfig",
    "NearDuplicateIndex",
    "Signals",
    "analyze",
    "analyze_batch",
    "from_bytes",
    "load_model",
    "similarity_vector",
    "similarity_vectors_for",
    "to_bytes",
]
