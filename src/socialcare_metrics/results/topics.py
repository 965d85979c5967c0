"""Top topics and subtopics: how many messages (or conversations) carry each topic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs
import numpy as np

from .._core.periods import TimeZone
from .._core.typing import Int64Array
from ..errors import InvalidParameterError
from ._base import ITEM, Result, Summary
from ._content import ItemTags, RankedCount, rank, top_per_group, topic_counts_per_group
from ._grouping import GroupKeys
from ._stats import group_counts, shares
from ._trend import Trend, check_top, period_codes, ranking_trend
from .quick_replies import ranking_text

__all__ = ["TopicResult", "check_level"]

Per = Literal["message", "conversation"]


def check_level(value: object, function: str) -> int:
    """``level``: an int >= 1 (1 topics, 2 subtopics, ...)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(
            function, "level", "an int >= 1 (1 for topics, 2 for subtopics, ...)", value
        )
    return value


def topic_columns(
    count: Int64Array, untagged: Int64Array, top: Any, top_count: Int64Array
) -> Summary:
    """A topic split's columns, from its items, untagged items and top topic per group."""
    return {
        "count": count,
        "tagged": count - untagged,
        "untagged": untagged,
        "untagged_share": shares(untagged, count),
        "top": top,
        "top_share": shares(top_count, count),
    }


class TopicCounts(Result):
    """What a topic count derives from its items, untagged items and count per topic: the
    function's [`TopicResult`][socialcare_metrics.TopicResult] and a merged state's summary
    share it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {
        "untagged_share": "percent",
        "top_share": "percent",
    }

    per: str
    level: int

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def untagged(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    if TYPE_CHECKING:
        # Each side's names and count per name (declared only: a summary's comes from its
        # cells' base, after this class in the order of bases).
        def _named_counts(self) -> tuple[tuple[str, ...], Int64Array]: ...

    @property
    def value(self) -> int:
        """The headline value: the number of items counted."""
        return self.count

    def __int__(self) -> int:
        return self.count

    @property
    def tagged(self) -> int:
        """Items with at least one tag."""
        return self.count - self.untagged

    @property
    def untagged_share(self) -> float | None:
        """`untagged` / `count`, or ``None`` over no item."""
        return self.untagged / self.count if self.count else None

    def top(self, n: int | None = None) -> list[RankedCount]:
        """The ``n`` most frequent topics at `level` (all with ``None``), most frequent first;
        equal counts in order of name. Each share is over `count`."""
        limit = check_top(n, f"{type(self).__name__}.top")
        names, counts = self._named_counts()
        ranked = rank(names, counts, self.count)
        return ranked if limit is None else ranked[:limit]

    def counts(self) -> dict[str, int]:
        """How many items carry each topic at `level`, most frequent first."""
        return {row.name: row.count for row in self.top()}

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values: ``name``, ``parameters`` (``per`` and ``level``),
        ``count``, ``tagged``, ``untagged``, ``untagged_share``, the ``top`` topic and its
        ``top_share``, and ``topics``: every topic at the level, most frequent first, with
        its count and share."""
        return {
            "name": "topics",
            "parameters": {"per": self.per, "level": self.level},
            **self.summary_row(),
            "topics": [{"topic": r.name, "count": r.count, "share": r.share} for r in self.top()],
        }

    def __str__(self) -> str:
        ranked = self.top()
        return ranking_text(ranked, "topic", len(ranked))

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} per {self.per}, level {self.level}: {self.count:,} items, "
            f"{self.untagged:,} untagged>"
        )


@attrs.frozen(eq=False, repr=False)
class TopicResult(TopicCounts):
    """Topics and subtopics from tag paths: how many items carry each, most frequent first.

    An item is a public customer message, or a conversation (see `per`). A tag path such as
    ``"billing/refund"`` is the topic ``billing`` at level 1 and the subtopic
    ``billing/refund`` at level 2; a path with fewer parts than the level names nothing at
    that level. An item counts once per topic, however many of its tags lead to it.

    A topic's share is its count over `count`, every item counted (tagged or not), so it
    reads "12% of the messages are about billing"; an item with two topics counts in both, so
    shares need not add up to 1. `untagged` items carry no tag at all.

    Attributes:
        per: ``"message"`` or ``"conversation"``: what an item is.
        level: The depth topics are counted at: 1 topics, 2 subtopics, and so on.
    """

    per: Per
    level: int
    _tags: ItemTags = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        set_codes, index = self._tags.topics(self.level)
        count = group_counts(codes, n_groups)
        untagged = group_counts(codes, n_groups, self._untagged_mask())
        group, topic, pairs = topic_counts_per_group(codes, n_groups, set_codes, index)
        top, top_count = top_per_group(group, topic, pairs, n_groups, index.names)
        return topic_columns(count, untagged, top, top_count)

    def _untagged_mask(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        set_codes, sets = self._tags.codes_and_sets()
        mask: np.ndarray[Any, np.dtype[np.bool_]] = (sets.sizes == 0)[set_codes]
        return mask

    def _named_counts(self) -> tuple[tuple[str, ...], Int64Array]:
        set_codes, index = self._tags.topics(self.level)
        per_set = np.bincount(set_codes, minlength=index.offsets.shape[0] - 1)
        counts = np.bincount(
            index.members, weights=np.repeat(per_set, index.sizes), minlength=len(index.names)
        ).astype(np.int64)
        return index.names, counts

    @property
    def count(self) -> int:
        """Items counted: public customer messages, or conversations with one, tagged or not."""
        return len(self._tags)

    @property
    def untagged(self) -> int:
        """Items without any tag."""
        return int(np.count_nonzero(self._untagged_mask()))

    def at_level(self, level: int) -> TopicResult:
        """The same items, their topics counted at another ``level``."""
        return attrs.evolve(self, level=check_level(level, "TopicResult.at_level"))

    def trend(self, period: str, *, tz: TimeZone | None = None, top: int | None = None) -> Trend:
        """Each topic's count and share per local period, and the change from the period before.

        An item belongs to the period of its time: a message's sending, a conversation's
        first public customer message.

        Args:
            period: ``"hour"``, ``"day"``, ``"week"`` (ISO, from Monday) or ``"month"``.
            tz: The time zone of the periods; default UTC.
            top: Only the ``top`` most frequent topics overall (default: every topic).

        Returns:
            A [`Trend`][socialcare_metrics.Trend] with one row per period and topic: ``count``,
            ``share`` (of the items of that period, tagged or not), ``count_change`` and
            ``share_change``.
        """
        function = "TopicResult.trend"
        limit = check_top(top, function)
        unit, zone, periods, codes = period_codes(self._keys, period, tz, function)
        ranked = self.top(limit)
        set_codes, index = self._tags.topics(self.level)
        timed = codes >= 0
        n_periods = len(periods)
        period_of, topic, pairs = topic_counts_per_group(
            codes[timed], n_periods, set_codes[timed], index
        )
        grid = np.zeros((n_periods, len(index.names)), dtype=np.int64)
        grid[period_of, topic] = pairs
        position = {name: i for i, name in enumerate(index.names)}
        order = np.array([position[r.name] for r in ranked], dtype=np.int64).reshape(-1)
        totals = np.bincount(codes[timed], minlength=n_periods).astype(np.int64)
        return ranking_trend(
            name="topics",
            key="topic",
            unit=unit,
            zone=zone,
            periods=periods,
            labels=[r.name for r in ranked],
            grid=grid[:, order],
            totals=totals,
        )
