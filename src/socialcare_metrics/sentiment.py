"""Sentiment scores from text: any scorer of your own, or VADER's, ready made (English only).

A **scorer** is any callable that takes a message's text and returns its sentiment, a number
in [-1, 1] (-1 most negative, 1 most positive).
[`score_sentiment`][socialcare_metrics.score_sentiment] applies one to the customer messages
of a table; [`customer_sentiment`][socialcare_metrics.customer_sentiment] takes ``scorer=``
and does the same before it counts.

[`vader_scorer`][socialcare_metrics.vader_scorer] is a ready scorer: VADER's compound score,
from the ``vaderSentiment`` package (``pip install 'socialcare-metrics[vader]'``). VADER is a
lexicon and rules tuned to social media (emoticons, capitals, "!!!", "but"); its lexicon ships
inside the package, so nothing is downloaded when it runs. It reads **English only**: text in
other languages mostly scores 0 (neutral), which would be a guess, not a measurement, so score
other languages with a scorer made for them. Its customary thresholds (positive from 0.05,
negative from -0.05) are the metric's defaults.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

from ._core.extras import require
from ._engine.content import customer_rows, replace_columns
from ._engine.inputs import Data, as_table
from .errors import InvalidDataError, InvalidParameterError
from .tables.messages import MessageTable

__all__ = ["Scorer", "VaderScorer", "score_sentiment", "vader_scorer"]

#: A sentiment scorer: a message's text in, a score in [-1, 1] out.
Scorer: TypeAlias = Callable[[str], float]


def check_scorer(value: object, function: str) -> Scorer | None:
    """``scorer``: ``None`` or a callable."""
    if value is not None and not callable(value):
        raise InvalidParameterError(
            function, "scorer", "a callable from text to a score in [-1, 1], or None", value
        )
    return value


def score_sentiment(data: Data, scorer: Scorer, /) -> MessageTable:
    """A table whose public customer messages are scored by ``scorer``.

    Every public customer message with text gets the score of its text; one without text
    (empty or white space only) is unscored, since there is nothing to score. Scores such
    messages had before are replaced, so that one scorer is behind every number. Other
    messages (the brand's, private notes) keep theirs. The scorer is called once per distinct
    text.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        scorer: Any callable from a text to a score in [-1, 1], such as
            [`vader_scorer()`][socialcare_metrics.vader_scorer].

    Returns:
        A new [`MessageTable`][socialcare_metrics.MessageTable] with the scores.

    Raises:
        InvalidParameterError: ``scorer`` is not callable.
        InvalidDataError: the scorer returned something other than a number in [-1, 1]; the
            error names the message.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", text="great"),
        ...     Message("m2", t0, "customer", text=""),
        ... ])
        >>> table = score_sentiment([conv], lambda text: 0.8 if "great" in text else 0.0)
        >>> table.sentiment.tolist()
        [0.8, nan]
        >>> score_sentiment([conv], lambda text: 5)
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidDataError: score_sentiment, column 'sentiment', row 0: expected a score in [-1, 1] from 'scorer' for message 'm1' of conversation 'c1' (got 5 that is a int)
    """  # noqa: E501
    function = "score_sentiment"
    checked = check_scorer(scorer, function)
    if checked is None:
        raise InvalidParameterError(function, "scorer", "a callable", scorer)
    return scored_table(as_table(data, function), checked, function)


def scored_table(table: MessageTable, scorer: Scorer, function: str) -> MessageTable:
    """``table`` with its public customer messages scored by ``scorer`` (see
    `score_sentiment`); errors name ``function``."""
    n = len(table)
    scores = (
        np.full(n, np.nan, dtype=np.float64)
        if table.sentiment is None
        else table.sentiment.astype(np.float64, copy=True)
    )
    rows = customer_rows(table)
    scores[rows] = np.nan
    if table.text is not None and rows.shape[0]:
        texts: list[str] = table.text[rows].tolist()
        cache: dict[str, float] = {}
        for text in dict.fromkeys(texts):
            if not text or not text.strip():
                continue
            value = scorer(text)
            if not _valid(value):
                _bad_score(table, int(rows[texts.index(text)]), value, function)
            cache[text] = float(value)
        scores[rows] = np.fromiter(
            (cache.get(text, math.nan) for text in texts), dtype=np.float64, count=len(texts)
        )
    return replace_columns(table, sentiment=scores)


def _valid(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return False
    number = float(value)
    return math.isfinite(number) and -1.0 <= number <= 1.0


def _bad_score(table: MessageTable, row: int, value: object, function: str) -> None:
    conversation = table.conversation_label(int(table.conversation[row]))
    label = (
        f"message {table.message_id[row]!r} of conversation {conversation!r}"
        if table.message_id is not None
        else f"a message of conversation {conversation!r}"
    )
    raise InvalidDataError(
        function,
        "sentiment",
        int(table.row[row]),
        f"a score in [-1, 1] from 'scorer' for {label}",
        value,
    )


class VaderScorer:
    """VADER's compound sentiment score of a text, in [-1, 1] (English only).

    Made by [`vader_scorer()`][socialcare_metrics.vader_scorer]; call it with a text.
    """

    __slots__ = ("_analyzer",)

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer

    def __call__(self, text: str) -> float:
        return float(self._analyzer.polarity_scores(text)["compound"])

    def __repr__(self) -> str:
        return "<VaderScorer: VADER compound score, English>"


def vader_scorer() -> VaderScorer:
    """A ready scorer: VADER's compound score (needs the ``vader`` extra; English only).

    The lexicon ships with the ``vaderSentiment`` package: nothing is downloaded. Text in
    other languages is mostly scored 0, a neutral that says nothing: use a scorer made for
    those languages instead.

    Raises:
        ImportError: ``vaderSentiment`` is not installed; the message names the extra
            (``pip install 'socialcare-metrics[vader]'``).

    Examples:
        >>> score = vader_scorer()
        >>> score("Thanks, you were a great help!") > 0.05
        True
        >>> score("I was charged twice, this is awful.") < -0.05
        True
    """
    require("vaderSentiment", "vader_scorer()", extra="vader")
    module = importlib.import_module("vaderSentiment.vaderSentiment")
    return VaderScorer(module.SentimentIntensityAnalyzer())
