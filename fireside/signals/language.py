"""Language identification: a fast English test, and py3langid for the rest.

py3langid (a statistical identifier that ships its model) runs at about
4,000 texts per second, too slow to call on every text of a large batch. Most
messages a brand receives are in its own language, so a text whose words are
mostly common English words is called English at once, and only the others
are handed to py3langid. A text with no letters at all is "und" (undetermined).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

UNDETERMINED = "und"
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\s\d\W]")
_WORD = re.compile(r"[^\W\d_]+")


def detect_batch(
    texts: Sequence[str], english_words: npt.NDArray[np.float32], normalized: Sequence[str]
) -> list[str]:
    """Languages (ISO 639-1, or "und") for texts, given their count of common English words."""
    out: list[str] = []
    for text, norm, hits in zip(texts, normalized, english_words, strict=True):
        sample = text[:2000]
        if not _LETTER.search(sample):
            out.append(UNDETERMINED)
            continue
        # mentions, links and emoticon tokens are not words of any language
        words = [
            w for w in _WORD.findall(norm) if w not in ("usertoken", "urltoken", "emopos", "emoneg")
        ]
        if not words:
            out.append(UNDETERMINED)
            continue
        non_latin = len(_NON_LATIN.findall(sample))
        if non_latin * 4 < len(sample) and hits >= max(1.0, 0.2 * len(words)):
            out.append("en")
            continue
        out.append(_identify(" ".join(words)))
    return out


def _identify(text: str) -> str:
    import py3langid

    language, _ = py3langid.classify(text)
    return str(language)
