"""Intent: complaint, question, praise, suggestion or other.

One label per text, chosen by precedence: a complaint phrased as a question
("why is my order still not here?") is routed as a complaint, and its
`complaint` flag is set either way. Suggestions come before questions because
"could you add a sleep timer?" is a request for a feature, not for information.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

COMPLAINT = "complaint"
QUESTION = "question"
PRAISE = "praise"
SUGGESTION = "suggestion"
OTHER = "other"
INTENTS = (COMPLAINT, QUESTION, PRAISE, SUGGESTION, OTHER)


def intents(
    complaint: npt.NDArray[np.bool_],
    suggestion_cues: npt.NDArray[np.float32],
    question_marks: npt.NDArray[np.float32],
    starts_question: npt.NDArray[np.bool_],
    sentiment: list[str],
) -> list[str]:
    out: list[str] = []
    for is_complaint, suggests, marks, opens, tone in zip(
        complaint, suggestion_cues, question_marks, starts_question, sentiment, strict=True
    ):
        if is_complaint:
            out.append(COMPLAINT)
        elif suggests > 0 and tone != "negative":
            out.append(SUGGESTION)
        elif marks > 0 or opens:
            out.append(QUESTION)
        elif tone == "positive":
            out.append(PRAISE)
        else:
            out.append(OTHER)
    return out
