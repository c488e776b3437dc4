"""Three-class sentiment from the model's class probabilities."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fireside.signals.model import SENTIMENT_LABELS


def sentiment_labels(
    probabilities: npt.NDArray[np.float32],
) -> tuple[list[str], npt.NDArray[np.float32]]:
    """Most probable label and a score in [-1, 1]: P(positive) - P(negative)."""
    labels = [SENTIMENT_LABELS[i] for i in probabilities.argmax(axis=1)]
    scores = np.clip(probabilities[:, 2] - probabilities[:, 0], -1.0, 1.0)
    return labels, scores.astype(np.float32)
