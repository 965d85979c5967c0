"""Customer sentiment: positive, neutral and negative messages, net sentiment and its trend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs
import numpy as np

from .._core.periods import TimeZone
from .._core.typing import FloatArray, Int64Array
from ._base import ITEM, Groups, Result, Summary
from ._content import ItemTags
from ._grouping import GroupKeys
from ._stats import group_counts, shares
from ._trend import Trend, period_codes, summary_trend
from .topics import check_level

__all__ = ["DEFAULT_NEGATIVE", "DEFAULT_POSITIVE", "SentimentResult"]

#: The default thresholds: a score of at least 0.05 is positive, at most -0.05 negative (the
#: customary cut-offs of compound sentiment scores such as VADER's).
DEFAULT_POSITIVE: Final = 0.05
DEFAULT_NEGATIVE: Final = -0.05

_KINDS: Final = {
    "count": "count",
    "unscored": "count",
    "positive": "count",
    "neutral": "count",
    "negative": "count",
    "positive_share": "share",
    "neutral_share": "share",
    "negative_share": "share",
    "positive_ratio": "share",
    "net_sentiment": "number",
}
_CHANGES: Final = {
    "positive_share": "points",
    "negative_share": "points",
    "positive_ratio": "points",
    "net_sentiment": "signed",
}


def sentiment_columns(
    count: Int64Array, unscored: Int64Array, pos: Int64Array, neutral: Int64Array, neg: Int64Array
) -> Summary:
    """A sentiment split's columns, from its counts per group."""
    return {
        "count": count,
        "unscored": unscored,
        "positive": pos,
        "neutral": neutral,
        "negative": neg,
        "positive_share": shares(pos, count),
        "neutral_share": shares(neutral, count),
        "negative_share": shares(neg, count),
        "positive_ratio": shares(pos, pos + neg),
        "net_sentiment": shares(100 * (pos - neg), count),
    }


class SentimentShares(Result):
    """What a sentiment result derives from its counts: the function's
    [`SentimentResult`][socialcare_metrics.SentimentResult] and a merged state's summary share
    it."""

    __slots__ = ()

    positive_threshold: float
    negative_threshold: float

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def unscored(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def positive(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def neutral(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def negative(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    def _share(self, part: int) -> float | None:
        return part / self.count if self.count else None

    @property
    def positive_share(self) -> float | None:
        """Positive / scored, in [0, 1]; ``None`` over no scored message."""
        return self._share(self.positive)

    @property
    def neutral_share(self) -> float | None:
        """Neutral / scored, in [0, 1]; ``None`` over no scored message."""
        return self._share(self.neutral)

    @property
    def negative_share(self) -> float | None:
        """Negative / scored, in [0, 1]; ``None`` over no scored message."""
        return self._share(self.negative)

    @property
    def positive_ratio(self) -> float | None:
        """Positive / (positive + negative), in [0, 1]; ``None`` when there is neither."""
        polar = self.positive + self.negative
        return self.positive / polar if polar else None

    @property
    def net_sentiment(self) -> float | None:
        """(Positive - negative) / scored x 100, in [-100, 100]; ``None`` over no scored
        message."""
        if not self.count:
            return None
        return 100.0 * (self.positive - self.negative) / self.count

    @property
    def value(self) -> float | None:
        """The headline value: the net sentiment, or ``None`` over no scored message."""
        return self.net_sentiment

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values: ``name``, ``parameters`` (the two thresholds), then
        ``count`` (scored), ``unscored``, ``positive``, ``neutral``, ``negative``, the three
        shares, ``positive_ratio`` and ``net_sentiment``."""
        return {
            "name": "customer sentiment",
            "parameters": {
                "positive_threshold": self.positive_threshold,
                "negative_threshold": self.negative_threshold,
            },
            **self.summary_row(),
        }

    def __str__(self) -> str:
        net = self.net_sentiment
        return "n/a" if net is None else f"{net:+.1f}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}: net {self}, positive {self.positive:,}, neutral "
            f"{self.neutral:,}, negative {self.negative:,}, unscored {self.unscored:,}>"
        )


@attrs.frozen(eq=False, repr=False)
class SentimentResult(SentimentShares):
    """The sentiment of customer messages: how many were positive, neutral and negative.

    Each item is a public customer message. A scored message is **positive** when its score
    is at least `positive_threshold`, **negative** when at most `negative_threshold`, and
    **neutral** otherwise; a message without a score is **unscored**: counted, never guessed.
    `count` is the scored messages, and every share is over them:

    - `positive_share`, `neutral_share`, `negative_share` (they add up to 1);
    - `positive_ratio` = positive / (positive + negative), ``None`` when there is neither;
    - `net_sentiment` = (positive - negative) / scored x 100, from -100 to 100: the headline
      `value`.

    All are ``None`` over no scored message. ``by("agent" | "channel" | period)`` splits the
    messages (an agent's are those of the conversations assigned to them); `by_topic(level)`
    splits them by topic; `trend(period)` lists every measure per period with its change.

    Attributes:
        positive_threshold: The lowest positive score.
        negative_threshold: The highest negative score.
    """

    _column_formats: ClassVar[Mapping[str, str]] = {
        "positive_share": "percent",
        "neutral_share": "percent",
        "negative_share": "percent",
        "positive_ratio": "percent",
    }

    positive_threshold: float
    negative_threshold: float
    _score: FloatArray = attrs.field(metadata=ITEM)  # NaN: unscored
    _tags: ItemTags = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)
    # (scored, positive, negative), counted once when first asked.
    _tally: list[int] = attrs.field(init=False, factory=list, eq=False)

    def _counts(self) -> tuple[int, int, int]:
        if not self._tally:
            score = self._score
            self._tally.extend(
                (
                    score.shape[0] - int(np.count_nonzero(np.isnan(score))),
                    int(np.count_nonzero(score >= self.positive_threshold)),
                    int(np.count_nonzero(score <= self.negative_threshold)),
                )
            )
        return self._tally[0], self._tally[1], self._tally[2]

    def _masks(self) -> tuple[Any, Any, Any]:
        score = self._score
        scored = ~np.isnan(score)
        positive = score >= self.positive_threshold  # NaN compares False
        negative = score <= self.negative_threshold
        return scored, positive, negative

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        scored, positive, negative = self._masks()
        count = group_counts(codes, n_groups, scored)
        unscored = group_counts(codes, n_groups) - count
        pos = group_counts(codes, n_groups, positive)
        neg = group_counts(codes, n_groups, negative)
        return sentiment_columns(count, unscored, pos, count - pos - neg, neg)

    def _item_count(self) -> int:
        return int(self._score.shape[0])

    @property
    def count(self) -> int:
        """Scored messages: what every share is over."""
        return self._counts()[0]

    @property
    def unscored(self) -> int:
        """Customer messages without a score."""
        return int(self._score.shape[0]) - self.count

    @property
    def positive(self) -> int:
        """Messages scored at or above `positive_threshold`."""
        return self._counts()[1]

    @property
    def negative(self) -> int:
        """Messages scored at or below `negative_threshold`."""
        return self._counts()[2]

    @property
    def neutral(self) -> int:
        """Scored messages between the thresholds."""
        return self.count - self.positive - self.negative

    def trend(self, period: str, *, tz: TimeZone | None = None) -> Trend:
        """Every measure per local period, and the change of the shares, the positive ratio
        and the net sentiment from the period before.

        Args:
            period: ``"hour"``, ``"day"``, ``"week"`` (ISO, from Monday) or ``"month"``.
            tz: The time zone of the periods; default UTC.

        Returns:
            A [`Trend`][socialcare_metrics.Trend] with one row per period: the counts (scored,
            unscored, positive, neutral, negative), the shares, ``positive_ratio`` and
            ``net_sentiment``, then ``positive_share_change``, ``negative_share_change`` and
            ``positive_ratio_change`` (in points of share) and ``net_sentiment_change``.
        """
        function = "SentimentResult.trend"
        unit, zone, periods, codes = period_codes(self._keys, period, tz, function)
        timed = np.flatnonzero(codes >= 0)
        part = self._subset(timed) if timed.shape[0] != codes.shape[0] else self
        summary = part._summary(codes[timed], len(periods))
        return summary_trend(
            name="customer sentiment",
            unit=unit,
            zone=zone,
            periods=periods,
            summary=summary,
            kinds=_KINDS,
            changes=_CHANGES,
        )

    def by_topic(self, level: int = 1) -> Groups[SentimentResult]:
        """Split the messages by topic at ``level`` (1 topics, 2 subtopics, ...).

        A message with two topics is in both groups; messages with no topic at that level
        are under ``None``, last. Topics are listed by name. Unlike `by`, the groups can
        overlap, so their counts may add up to more than the whole.

        Returns:
            A read-only mapping from topic to that topic's result, which also converts all
            groups at once (`Groups.to_pandas()`, `Groups.to_dict()`).
        """
        checked = check_level(level, "SentimentResult.by_topic")
        set_codes, index = self._tags.topics(checked)
        items, topics = index.pairs(set_codes)
        present = np.flatnonzero(np.bincount(topics, minlength=len(index.names)))
        remap = np.full(len(index.names), -1, dtype=np.int64)
        remap[present] = np.arange(present.shape[0], dtype=np.int64)
        labels: list[Any] = [index.names[i] for i in present.tolist()]
        without = np.flatnonzero(index.sizes[set_codes] == 0)
        codes = remap[topics]
        if without.shape[0]:
            items = np.concatenate([items, without])
            codes = np.concatenate([codes, np.full(without.shape[0], len(labels))])
            labels.append(None)
        # Groups need not be contiguous: looking one up finds its items.
        return Groups(self._subset(items), ("topic",), labels, codes.astype(np.int64))
