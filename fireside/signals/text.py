"""Text normalization and the hashed n-gram space every model reads.

All models share one sparse matrix built here, so a batch is tokenized once.
Normalization maps the noise of social media (links, mentions, elongated
words, emoticons, curly apostrophes) onto a few stable tokens, which is what
lets a model trained on one source carry over to another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

N_FEATURES = 2**19
# Models read at most this many characters: the opening of a long text carries
# its tone and keeps a 100 KB input as cheap as a tweet. Guideline checks still
# scan the whole text.
MAX_MODEL_CHARS = 2000

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2764\u203c\u2049"
TOKEN_PATTERN = rf"[a-z0-9_]+(?:'[a-z]+)?|[!?]|[{_EMOJI}]"

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_HTML_ENTITY = re.compile(r"&(amp|lt|gt|quot);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}
_EMO_POS = re.compile(r"(?:^|\s)(?:[:;=]-?[)\]dDpP]|\(\s*:|<3|\^_?\^|:-?\*|xD)+(?=\s|$)")
_EMO_NEG = re.compile(r"(?:^|\s)(?:[:;=]'?-?[(\[/\\|]|>:\(|D:)+(?=\s|$)")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_NEGATED_CONTRACTION = re.compile(
    r"\b(do|does|did|is|are|was|were|has|have|had|wo|ca|could|would|should|ai)nt\b"
)
_WORD_RE = re.compile(TOKEN_PATTERN)


def normalize(text: str) -> str:
    """Return the lower-cased, noise-reduced form of `text` that models read."""
    text = text[:MAX_MODEL_CHARS]
    if "&" in text:
        text = _HTML_ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _URL.sub(" urltoken ", text)
    text = _MENTION.sub(" usertoken ", text)
    text = _EMO_POS.sub(" emopos ", text)
    text = _EMO_NEG.sub(" emoneg ", text)
    text = text.lower()
    text = _ELONGATED.sub(r"\1\1", text)
    return _NEGATED_CONTRACTION.sub(r"\1n't", text)


def tokens(normalized: str) -> list[str]:
    """Split normalized text into the tokens the hashed space is built from."""
    return _WORD_RE.findall(normalized)


_VECTORIZER = HashingVectorizer(
    n_features=N_FEATURES,
    ngram_range=(1, 2),
    alternate_sign=False,
    norm=None,
    lowercase=False,
    token_pattern=TOKEN_PATTERN,
    dtype=np.float32,
)


def hashed_counts(normalized: Sequence[str]) -> sp.csr_matrix:
    """Count word unigrams and bigrams of already normalized texts."""
    matrix: sp.csr_matrix = _VECTORIZER.transform(normalized)
    return matrix


def feature_index(ngram: str) -> int:
    """Return the column of a unigram or a space-joined bigram in the hashed space."""
    return abs(murmurhash3_32(ngram, seed=0)) % N_FEATURES
