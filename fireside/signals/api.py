"""`POST /analyze`: signals for up to 1,000 texts per call.

A thin entry point into `analyze_batch`; authentication is added where the
router is mounted.
"""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import Field

from fireside.signals.core import analyze_batch
from fireside.signals.guidelines import GuidelineConfig

MAX_TEXTS = 1000
MAX_CONFIDENTIAL_TERMS = 1000

router = Router(tags=["signals"])


class AnalyzeIn(Schema):
    texts: list[str] = Field(..., max_length=MAX_TEXTS)
    confidential_terms: list[str] = Field(default_factory=list, max_length=MAX_CONFIDENTIAL_TERMS)


class FindingOut(Schema):
    kind: str
    start: int
    end: int
    text: str


class SignalsOut(Schema):
    sentiment: str
    sentiment_score: float
    intent: str
    complaint: int
    complaint_probability: float
    language: str
    guideline_flags: list[str]
    guideline_findings: list[FindingOut]


class AnalyzeOut(Schema):
    results: list[SignalsOut]


@router.post("/analyze", response=AnalyzeOut)
def analyze(request: object, payload: AnalyzeIn) -> dict[str, object]:
    """Signals for each text, in order. More than 1,000 texts answers 422."""
    config = GuidelineConfig(
        confidential_terms=tuple(t for t in payload.confidential_terms if t.strip())
    )
    results = []
    for signals in analyze_batch(payload.texts, config):
        row = signals.to_dict()
        row["complaint"] = int(signals.complaint)
        results.append(row)
    return {"results": results}
