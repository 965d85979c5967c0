"""A slow, obviously correct pure-Python reference of the voice of the customer.

It reads the conversations one message at a time, counts each term once per message with
Python sets and Counters, and computes the log-odds ratio with its informative Dirichlet prior
from the formula as written, with ``math.log``. The vectorised metric is checked against it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from socialcare_metrics import Author, Conversation, Message
from socialcare_metrics.text import tokenize


@dataclass(frozen=True)
class RefScore:
    term: str
    delta: float
    z: float
    segment_count: int
    against_count: int
    corpus_count: int


def reference_scores(
    conversations: Sequence[Conversation],
    in_segment: Callable[[Conversation, Message], bool],
    in_against: Callable[[Conversation, Message], bool] | None = None,
    *,
    prior: float,
    min_count: int,
    bigrams: bool = False,
) -> dict[str, RefScore]:
    """Every ranked term's score, by term."""
    segment: Counter[str] = Counter()
    against: Counter[str] = Counter()
    corpus: Counter[str] = Counter()
    for conversation in conversations:
        for message in conversation.messages:
            if message.author is not Author.CUSTOMER or message.private:
                continue
            terms = set(tokenize(message.text, bigrams=bigrams))
            corpus.update(terms)
            seg = in_segment(conversation, message)
            other = (not seg) if in_against is None else in_against(conversation, message)
            if seg and not other:
                segment.update(terms)
            elif other and not seg:
                against.update(terms)
    n_i, n_j, n = sum(segment.values()), sum(against.values()), sum(corpus.values())
    scores = {}
    for term in corpus:
        y_i, y_j, y = segment[term], against[term], corpus[term]
        if y_i + y_j < min_count:
            continue
        a, a0 = prior * y, prior * n
        den_i, den_j = n_i + a0 - y_i - a, n_j + a0 - y_j - a
        if den_i <= 1e-12 or den_j <= 1e-12:  # the corpus has this one term: no odds
            delta = z = 0.0
        else:
            delta = math.log((y_i + a) / den_i) - math.log((y_j + a) / den_j)
            z = delta / math.sqrt(1 / (y_i + a) + 1 / (y_j + a))
        scores[term] = RefScore(term, delta, z, y_i, y_j, y)
    return scores
