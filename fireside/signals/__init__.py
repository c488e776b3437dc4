"""Fireside signals: what a text says and how, usable without a server.

    from fireside.signals import analyze, analyze_batch
    analyze("@acme my order still hasn't arrived").complaint  # True

Names load on first use (PEP 562), so that importing a submodule such as the command
line's `fireside.signals.cli` does not pull in NumPy, SciPy and the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "Signals": "core", "analyze": "core", "analyze_batch": "core",
    "similarity_vector": "core", "similarity_vectors_for": "core",
    "Finding": "guidelines", "GuidelineConfig": "guidelines", "INTENTS": "intent",
    "SENTIMENT_LABELS": "model", "load_model": "model",
    "NearDuplicateIndex": "similarity", "from_bytes": "similarity", "to_bytes": "similarity",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fireside.signals' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"fireside.signals.{home}"), name)
    globals()[name] = value
    return value
