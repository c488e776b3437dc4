"""Guideline checks: personal data, offensive language and confidential terms, with spans.

Every check is a regular expression over the whole text (not the truncated
model input), guarded by a cheap test so that most texts cost one scan.
Spans are character offsets into the original text, end exclusive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from fireside.signals.cues import OFFENSIVE_WORDS

EMAIL = "email"
PHONE = "phone"
PAYMENT_CARD = "payment_card"
STREET_ADDRESS = "street_address"
OFFENSIVE = "offensive"
CONFIDENTIAL = "confidential"
PERSONAL_DATA_KINDS = (EMAIL, PHONE, PAYMENT_CARD, STREET_ADDRESS)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class GuidelineConfig:
    """What an organization checks beyond the defaults.

    `confidential_terms` are matched case-insensitively on word boundaries,
    e.g. project code names or unreleased product names.
    `offensive_threshold` is the statistical model's probability above which a
    text with no listed offensive word is still flagged as a whole.
    """

    confidential_terms: tuple[str, ...] = ()
    offensive_threshold: float = 0.9
    check_personal_data: bool = True
    extra_offensive_words: tuple[str, ...] = field(default=())


DEFAULT_CONFIG = GuidelineConfig()

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
_CARD = re.compile(r"(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d.-])")
_PHONE = re.compile(r"(?<![\w.+-])(?:\+|00)?\(?\d[\d ().-]{7,18}\d(?![\w.-])")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_STREET_SUFFIX = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
    r"Place|Pl|Terrace|Square|Sq|Parkway|Pkwy|Highway|Hwy|Close|Crescent|Gardens"
)
_STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'.-]+\s+){{1,4}}(?:{_STREET_SUFFIX})\b\.?"
    r"|\b[A-Z][a-zäöüß]+(?:straße|strasse|weg|gasse|platz|allee|laan|straat|gatan|vej)\s+\d{1,4}[a-z]?\b"
    r"|\b(?:rue|avenue|boulevard|via|calle|avenida)\s+(?:de\s+la\s+|de\s+|du\s+|des\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,?\s+\d{1,4}\b"
    r"|\b\d{1,4},?\s+(?:rue|avenue|boulevard|via|calle|avenida)\s+(?:de\s+la\s+|de\s+|du\s+|des\s+)?[A-Z][\w'-]+"
)
_HAS_DIGIT = re.compile(r"\d")


def luhn_valid(digits: str) -> bool:
    """The check digit that every payment card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


@lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_OFFENSIVE = _word_pattern(OFFENSIVE_WORDS)


def personal_data(text: str) -> list[Finding]:
    findings: list[Finding] = []
    if "@" in text:
        findings.extend(
            Finding(EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)
        )
    if not _HAS_DIGIT.search(text):
        return findings
    taken: list[tuple[int, int]] = [(f.start, f.end) for f in findings]
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            findings.append(Finding(PAYMENT_CARD, match.start(), match.end(), match.group()))
            taken.append((match.start(), match.end()))
    for match in _PHONE.finditer(text):
        candidate = match.group()
        digits = re.sub(r"\D", "", candidate)
        if not 9 <= len(digits) <= 15 or _DATE_LIKE.match(candidate):
            continue
        # version numbers and IP addresses are dotted too; a phone number is
        # dotted only in groups of 2-4 digits and never in more than 4 groups
        if "." in candidate and not re.fullmatch(r"\+?\d{1,3}(?:\.\d{2,4}){2,4}", candidate):
            continue
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        findings.append(Finding(PHONE, match.start(), match.end(), candidate))
    findings.extend(
        Finding(STREET_ADDRESS, m.start(), m.end(), m.group()) for m in _STREET.finditer(text)
    )
    return findings


def offensive_words(text: str, extra: tuple[str, ...] = ()) -> list[Finding]:
    pattern = _word_pattern(OFFENSIVE_WORDS + extra) if extra else _OFFENSIVE
    assert pattern is not None
    return [Finding(OFFENSIVE, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def confidential_terms(text: str, terms: tuple[str, ...]) -> list[Finding]:
    pattern = _word_pattern(terms)
    if pattern is None:
        return []
    return [Finding(CONFIDENTIAL, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def check(
    text: str,
    offensive_probability: float,
    config: GuidelineConfig = DEFAULT_CONFIG,
    offensive_word_seen: bool = True,
) -> list[Finding]:
    """All findings for one text, ordered by position.

    `offensive_word_seen=False` (the caller's token counts found no listed
    word) skips the word scan, the slowest check.
    """
    findings: list[Finding] = []
    if config.check_personal_data:
        findings.extend(personal_data(text))
    words: list[Finding] = []
    if offensive_word_seen or config.extra_offensive_words:
        words = offensive_words(text, config.extra_offensive_words)
    findings.extend(words)
    if not words and offensive_probability >= config.offensive_threshold and text.strip():
        findings.append(Finding(OFFENSIVE, 0, len(text), text))
    findings.extend(confidential_terms(text, config.confidential_terms))
    findings.sort(key=lambda f: (f.start, f.end, f.kind))
    return findings


def check_batch(
    texts: Sequence[str],
    offensive_probabilities: Sequence[float],
    config: GuidelineConfig = DEFAULT_CONFIG,
) -> list[list[Finding]]:
    return [check(t, p, config) for t, p in zip(texts, offensive_probabilities, strict=True)]
