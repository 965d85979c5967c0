"""Positive and negative sentiment of customer messages."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ..._core.validation import check_number
from ..._engine.content import customer_columns, customer_rows
from ..._engine.inputs import Data, message_inputs
from ..._engine.window import opened_in
from ...errors import InvalidParameterError
from ...results._content import ItemTags
from ...results._grouping import GroupKeys
from ...results.sentiment import DEFAULT_NEGATIVE, DEFAULT_POSITIVE, SentimentResult
from ...sentiment import Scorer, check_scorer, scored_table

__all__ = ["customer_sentiment"]


def customer_sentiment(
    data: Data,
    /,
    *,
    positive_threshold: float = DEFAULT_POSITIVE,
    negative_threshold: float = DEFAULT_NEGATIVE,
    scorer: Scorer | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> SentimentResult:
    """Positive and negative sentiment: how customer messages score, and the net sentiment.

    Reads the public customer messages (private notes excluded). A message with a score is
    **positive** when the score is at least ``positive_threshold``, **negative** when at most
    ``negative_threshold``, **neutral** otherwise. A message without a score is counted as
    unscored, never guessed. Over the scored messages:

    - the shares of positive, neutral and negative messages (they add up to 1);
    - the positive ratio = positive / (positive + negative);
    - the net sentiment = (positive - negative) / scored x 100, from -100 to 100 (the
      headline value).

    Scores come from the messages (a record's ``sentiment``, a table's ``sentiment``
    column), or from ``scorer``. Grouped by agent, a message belongs to its conversation's
    assignee; by channel, to its own channel; by period, to when it was sent.
    [`by_topic()`][socialcare_metrics.SentimentResult.by_topic] splits by topic,
    [`trend(period)`][socialcare_metrics.SentimentResult.trend] gives every measure per period
    with the change from the period before.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        positive_threshold: The lowest positive score, in [-1, 1].
        negative_threshold: The highest negative score, in [-1, 1], below
            ``positive_threshold``.
        scorer: Score the messages' text with this callable (text in, a score in [-1, 1]
            out), such as [`vader_scorer()`][socialcare_metrics.vader_scorer], instead of
            using the scores they carry (see
            [`score_sentiment`][socialcare_metrics.score_sentiment]).
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Returns:
        A [`SentimentResult`][socialcare_metrics.SentimentResult].

    Raises:
        InvalidParameterError: a threshold outside [-1, 1], or not below the other; a
            ``scorer`` that is not callable.
        InvalidDataError: the scorer returned something other than a number in [-1, 1].

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", sentiment=-0.6),
        ...     Message("m2", t0 + timedelta(minutes=1), "customer", sentiment=-0.2),
        ...     Message("m3", t0 + timedelta(minutes=2), "customer", sentiment=0.01),
        ...     Message("m4", t0 + timedelta(minutes=3), "customer", sentiment=0.7),
        ...     Message("m5", t0 + timedelta(minutes=4), "customer"),
        ... ])
        >>> result = customer_sentiment([conv])
        >>> result.positive, result.neutral, result.negative, result.unscored
        (1, 1, 2, 1)
        >>> result.net_sentiment, result.positive_ratio, str(result)
        (-25.0, 0.3333333333333333, '-25.0')
    """
    function = "customer_sentiment"
    positive = check_number(positive_threshold, function, "positive_threshold", low=-1, high=1)
    negative = check_number(negative_threshold, function, "negative_threshold", low=-1, high=1)
    if negative >= positive:
        # Blame the threshold the caller moved (the positive one when both were).
        if positive == DEFAULT_POSITIVE:
            raise InvalidParameterError(
                function,
                "negative_threshold",
                f"a number below 'positive_threshold' ({positive:g})",
                negative_threshold,
            )
        raise InvalidParameterError(
            function,
            "positive_threshold",
            f"a number above 'negative_threshold' ({negative:g})",
            positive_threshold,
        )
    checked_scorer = check_scorer(scorer, function)
    table, _, window_start = message_inputs(data, function, start=start, end=end)
    if checked_scorer is not None:
        table = scored_table(table, checked_scorer, function)
    rows = customer_rows(table)
    if table.sentiment is None:
        score = np.full(rows.shape[0], np.nan, dtype=np.float64)
    elif rows.shape[0] == len(table):  # every row counts: no copy (the column is read-only)
        score = table.sentiment
    else:
        score = table.sentiment[rows]
    # Tags are read only if by_topic() asks, unless another metric has read them already.
    cached = table._derived.get("customer_tag_sets")
    tags = ItemTags.encoded(*cached) if cached is not None else ItemTags.unread(table.tags, rows)
    agent, channel, time = customer_columns(table)
    keys = GroupKeys(
        agent=agent,
        agent_names=table.agent_names,
        channel=channel,
        channel_names=table.channel_names,
        time=time,
    )
    return opened_in(
        SentimentResult(
            positive_threshold=positive,
            negative_threshold=negative,
            score=score,
            tags=tags,
            keys=keys,
        ),
        window_start,
    )
