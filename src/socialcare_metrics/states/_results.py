"""The results of a merged state: the same summaries as the metric functions give, from cells.

A merged state no longer holds items (waits, messages, responses): it holds one cell per group it
was asked to keep (an agent, a channel, a period, or the whole), each with counts, exact sums,
minimum, maximum, a percentile sketch and the slowest few items. These results treat each cell as
an item, so ``by()``, ``to_dict()``, ``to_pandas()`` and the text forms work as on the functions'
results; ``by()`` accepts only the keys the state kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar, Self

import attrs
import numpy as np
import numpy.typing as npt

from .._core.periods import TimeZone, resolve_timezone
from .._core.time import ns_to_datetime
from .._core.typing import Int64Array
from .._core.validation import check_count, check_number
from .._engine.durations import ns_to_timedelta
from .._engine.sla import TARGETS, SlaPolicy, SlaTargetName
from ..errors import InvalidParameterError
from ..results._base import ITEM, Groups, Result, Summary
from ..results._content import top_per_group
from ..results._grouping import GroupKeys
from ..results._render import format_duration
from ..results._stats import mean_us_of_sums, ns_float_to_us, round_us, us_to_seconds
from ..results.attainment import (
    EXPECTED_WITHIN_DAY,
    EXPECTED_WITHIN_HOUR,
    Expectation,
    FirstReplyExpectations,
    attainment_columns,
)
from ..results.counts import ItemCount, RateParts, ReplyCounts, rate_columns, reply_columns
from ..results.durations import DurationStats, SlowWait
from ..results.quick_replies import OptionCounts, option_columns
from ..results.sentiment import SentimentShares, sentiment_columns
from ..results.series import PeriodCounts
from ..results.sla import SlaCounts, sla_columns
from ..results.surveys import CsatScores, NpsScores, csat_columns, nps_columns
from ..results.tasks import SlowTask, TaskCounts, task_columns
from ..results.topics import TopicCounts, topic_columns
from ..results.voice import (
    SIDE_SEGMENT,
    ExampleKey,
    GroupPairs,
    TermExample,
    VoiceRanking,
    _Dense,
    example_of,
    latest_examples,
)
from ._sketch import QuantileSketch

__all__ = [
    "AttainmentSummary",
    "CountSummary",
    "CsatSummary",
    "DurationSummary",
    "NpsSummary",
    "QuickReplySummary",
    "RateSummary",
    "ReplyVolumeSummary",
    "SentimentSummary",
    "SlaSummary",
    "TaskSummary",
    "TopicSummary",
    "VoiceSummary",
    "VolumeSummary",
]

_PERIOD_ORDER = ("hour", "day", "week", "month")


def _coarser(asked: str, kept: str) -> bool:
    """Whether periods ``asked`` are unions of periods ``kept`` (in one time zone)."""
    if asked == kept:
        return True
    if kept == "hour":
        return True
    return kept == "day" and asked in ("week", "month")


@attrs.frozen(eq=False, repr=False)
class _CellResult(Result):
    """A result whose items are a state's cells; ``by()`` only over the keys the state kept."""

    _keys: GroupKeys = attrs.field(metadata=ITEM)
    _kept: tuple[str, ...] = attrs.field(kw_only=True)

    def by(self, *keys: str, tz: TimeZone | None = None) -> Groups[Self]:
        function = f"{type(self).__name__}.by"
        kept_period = next((k for k in self._kept if k in _PERIOD_ORDER), None)
        for key in keys:
            if key in ("agent", "channel") and key not in self._kept:
                raise InvalidParameterError(
                    function,
                    "key",
                    f"a key the state kept ({_kept_text(self._kept)}); make the states with "
                    f"by=({', '.join(map(repr, (*self._kept, key)))}) to split by {key}",
                    key,
                )
            if key in _PERIOD_ORDER:
                if kept_period is None or not _coarser(key, kept_period):
                    raise InvalidParameterError(
                        function,
                        "key",
                        f"a period made of the state's periods ({_kept_text(self._kept)}); "
                        f"make the states with a period of {key!r} or finer",
                        key,
                    )
                if tz is not None:
                    zone = resolve_timezone(tz, function)
                    if _zone_key(zone) != _zone_key(self._keys.default_tz):
                        raise InvalidParameterError(
                            function,
                            "tz",
                            "None or the time zone the state's periods are local to "
                            f"({self._keys.default_tz or 'UTC'})",
                            tz,
                        )
        return super().by(*keys, tz=tz)


def _zone_key(zone: tzinfo | None) -> str:
    """A zone's name: its IANA key, or its fixed name ("UTC" for UTC, however it is given)."""
    if zone is None:
        return "UTC"
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone.tzname(None))


def _kept_text(kept: tuple[str, ...]) -> str:
    return ", ".join(map(repr, kept)) if kept else "none: the whole only"


def _cell_sums(codes: Int64Array, n_groups: int, cells: Int64Array) -> Int64Array:
    """Each group's sum of its cells' values: ``cells`` holds a value, or a row of values, per
    cell, and ``codes`` each cell's group."""
    out = np.zeros((n_groups, *cells.shape[1:]), dtype=np.int64)
    np.add.at(out, codes, cells)
    return out


# --- counts of categories -------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class _Histogram(_CellResult):
    """Cells of counts per category: ``_hist[cell, category]``."""

    _hist: Int64Array = attrs.field(metadata=ITEM, kw_only=True)

    def _sums(self, codes: Int64Array, n_groups: int) -> Int64Array:
        return _cell_sums(codes, n_groups, self._hist)

    def _total(self) -> Int64Array:
        total: Int64Array = self._hist.sum(axis=0, dtype=np.int64)
        return total


@attrs.frozen(eq=False, repr=False)
class CountSummary(ItemCount, _Histogram):
    """A merged count (messages received, messages replied): as
    [`CountResult`][socialcare_metrics.CountResult]."""

    name: str = attrs.field(kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        return {"count": self._sums(codes, n_groups)[:, 0]}

    @property
    def count(self) -> int:
        """How many items were counted."""
        return int(self._total()[0])


@attrs.frozen(eq=False, repr=False)
class ReplyVolumeSummary(ReplyCounts, _Histogram):
    """Merged reply volume: as [`ReplyVolumeResult`][socialcare_metrics.ReplyVolumeResult]
    (categories: agent replies, bot messages)."""

    name: str = attrs.field(kw_only=True)
    bot_replies: bool = attrs.field(kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        sums = self._sums(codes, n_groups)
        return reply_columns(sums[:, 0], sums[:, 1], self.bot_replies)

    @property
    def agent_replies(self) -> int:
        """Public messages by agents (people)."""
        return int(self._total()[0])

    @property
    def bot_messages(self) -> int:
        """Public messages by bots."""
        return int(self._total()[1])


@attrs.frozen(eq=False, repr=False)
class RateSummary(RateParts, _Histogram):
    """A merged share (reply rate, resolution rate, action rate): as
    [`RateResult`][socialcare_metrics.RateResult] (categories: miss, hit)."""

    _column_formats: ClassVar[Mapping[str, str]] = {"value": "percent"}

    name: str = attrs.field(kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        sums = self._sums(codes, n_groups)
        return rate_columns(sums[:, 1], sums[:, 0] + sums[:, 1])

    @property
    def numerator(self) -> int:
        """How many items count (e.g. replied messages)."""
        return int(self._total()[1])

    @property
    def denominator(self) -> int:
        """How many items there are (e.g. messages received)."""
        return int(self._total().sum())


@attrs.frozen(eq=False, repr=False)
class CsatSummary(CsatScores, _Histogram):
    """Merged CSAT: as [`CsatResult`][socialcare_metrics.CsatResult], without the follow-up
    list (a state keeps how many gave each score, not the responses).

    ``by()`` takes ``"agent"`` and periods; surveys have no channel.
    """

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        sums = self._sums(codes, n_groups)  # scores 1..5
        count = sums.sum(axis=1)
        satisfied = sums[:, 3] + sums[:, 4]
        total = sums @ np.arange(1, 6, dtype=np.int64)
        return csat_columns(count, total.astype(np.float64), satisfied)

    @property
    def count(self) -> int:
        """How many responses the result is based on."""
        return int(self._total().sum())

    @property
    def average(self) -> float | None:
        """The mean score, or ``None`` over no response."""
        total = int(self._total() @ np.arange(1, 6, dtype=np.int64))
        return total / self.count if self.count else None

    @property
    def satisfied(self) -> int:
        """Responses of 4 or 5."""
        return int(self._total()[3:].sum())

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 1..5."""
        return {score: int(n) for score, n in zip(range(1, 6), self._total().tolist(), strict=True)}


@attrs.frozen(eq=False, repr=False)
class NpsSummary(NpsScores, _Histogram):
    """Merged NPS: as [`NpsResult`][socialcare_metrics.NpsResult]."""

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        sums = self._sums(codes, n_groups)  # scores 0..10
        count = sums.sum(axis=1)
        promoters = sums[:, 9:].sum(axis=1)
        detractors = sums[:, :7].sum(axis=1)
        return nps_columns(count, promoters, detractors)

    @property
    def count(self) -> int:
        """How many responses the result is based on."""
        return int(self._total().sum())

    @property
    def promoters(self) -> int:
        """Responses of 9 or 10."""
        return int(self._total()[9:].sum())

    @property
    def detractors(self) -> int:
        """Responses of 0 to 6."""
        return int(self._total()[:7].sum())

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 0..10."""
        return {score: int(n) for score, n in enumerate(self._total().tolist())}

    def __repr__(self) -> str:
        return f"<NpsSummary: NPS {self}, count {self.count}>"


@attrs.frozen(eq=False, repr=False)
class SlaSummary(SlaCounts, _Histogram):
    """Merged SLA compliance: as [`SlaReport`][socialcare_metrics.SlaReport]'s counts and
    compliance, overall and per target (categories: target x achieved, breached, pending).

    A state keeps counts, not items: margins, ``worst()`` and ``due_next()`` need the
    function on the data.
    """

    policy: SlaPolicy = attrs.field(kw_only=True)
    as_of: datetime | None = attrs.field(kw_only=True)
    target: SlaTargetName | None = attrs.field(default=None, kw_only=True)

    def _status_sums(self, sums: Int64Array) -> Int64Array:
        by_target = sums.reshape(sums.shape[0], len(TARGETS), 3)
        if self.target is not None:
            out: Int64Array = by_target[:, TARGETS.index(self.target), :]
            return out
        total: Int64Array = by_target.sum(axis=1)
        return total

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        status = self._status_sums(self._sums(codes, n_groups))
        return sla_columns(status[:, 0], status[:, 1], status[:, 2])

    def _status(self) -> list[int]:
        values: list[int] = self._status_sums(self._total()[None, :])[0].tolist()
        return values

    @property
    def achieved(self) -> int:
        """Items that closed within their target."""
        return self._status()[0]

    @property
    def breached(self) -> int:
        """Items that closed after their target, or are open and already past it."""
        return self._status()[1]

    @property
    def pending(self) -> int:
        """Open items not yet past their target."""
        return self._status()[2]

    @property
    def count(self) -> int:
        """Every item: achieved, breached and pending."""
        return sum(self._status())

    def _for(self, name: SlaTargetName) -> SlaSummary | None:
        if name not in self.policy.targets:
            return None
        return attrs.evolve(self, target=name)

    @property
    def first_reply(self) -> SlaSummary | None:
        """Compliance with the first-reply target."""
        return self._for("first_reply")

    @property
    def next_reply(self) -> SlaSummary | None:
        """Compliance with the next-reply target."""
        return self._for("next_reply")

    @property
    def resolution(self) -> SlaSummary | None:
        """Compliance with the resolution target."""
        return self._for("resolution")

    @property
    def targets(self) -> dict[SlaTargetName, SlaSummary]:
        """The per-target summaries of every target the policy sets."""
        return {name: attrs.evolve(self, target=name) for name in self.policy.targets}

    def to_dict(self) -> dict[str, Any]:
        """Overall counts, then each target's, as [`SlaReport.to_dict`][socialcare_metrics.SlaReport.to_dict]."""  # noqa: E501
        if self.target is not None:
            return self._target_dict(self.target)
        return self._report_dict(self.targets)

    def __repr__(self) -> str:
        return (
            f"<SlaSummary {self.target or 'overall'}: {self} ({self.achieved:,} achieved, "
            f"{self.breached:,} breached, {self.pending:,} pending)>"
        )


@attrs.frozen(eq=False, repr=False)
class AttainmentSummary(FirstReplyExpectations, _Histogram):
    """Merged expectation attainment: as
    [`AttainmentResult`][socialcare_metrics.AttainmentResult], for its two thresholds (1 hour
    and 24 hours). Categories: answered or not x status within the hour x status within the day
    (achieved, breached, pending).
    """

    as_of: datetime | None = attrs.field(kw_only=True)
    business_time: bool = attrs.field(kw_only=True)

    @staticmethod
    def _parts(sums: Int64Array) -> Int64Array:
        # [group, answered, hour status, day status]
        out: Int64Array = sums.reshape(sums.shape[0], 2, 3, 3)
        return out

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        parts = self._parts(self._sums(codes, n_groups))
        count = parts.sum(axis=(1, 2, 3))
        answered = parts[:, 1].sum(axis=(1, 2))
        hour, day = parts.sum(axis=(1, 3)), parts.sum(axis=(1, 2))
        return attainment_columns(count, answered, (hour[:, 0], hour[:, 1]), (day[:, 0], day[:, 1]))

    def _whole(self) -> Int64Array:
        whole: Int64Array = self._parts(self._total()[None, :])[0]
        return whole

    @property
    def count(self) -> int:
        """Conversations with a customer message (answered or not)."""
        return int(self._total().sum())

    @property
    def answered(self) -> int:
        """Conversations whose first wait got a reply."""
        return int(self._whole()[1].sum())

    def _expectation(self, axis: tuple[int, int], threshold: timedelta) -> Expectation:
        status = self._whole().sum(axis=axis).tolist()
        expected = EXPECTED_WITHIN_HOUR if threshold == timedelta(hours=1) else EXPECTED_WITHIN_DAY
        return Expectation(threshold, status[0], status[1], status[2], expected)

    @property
    def within_hour(self) -> Expectation:
        """First replies within 1 hour, beside the 57% of consumers who expect that."""
        return self._expectation((0, 2), timedelta(hours=1))

    @property
    def within_day(self) -> Expectation:
        """First replies within 24 hours, beside the 75%."""
        return self._expectation((0, 1), timedelta(hours=24))

    def __repr__(self) -> str:
        return f"<AttainmentSummary within 1 h {self.within_hour.share}, count {self.count:,}>"


@attrs.frozen(eq=False, repr=False)
class VolumeSummary(PeriodCounts, _CellResult):
    """Merged inbound volume: as [`VolumeSeries`][socialcare_metrics.VolumeSeries], every
    period of the range with its count, empty ones as zero; ``by("agent")`` and
    ``by("channel")`` (when kept) give one series per group over the same periods.
    """

    unit: str = attrs.field(kw_only=True)
    tz: str = attrs.field(kw_only=True)
    periods: tuple[datetime, ...] = attrs.field(kw_only=True)
    starts: Int64Array = attrs.field(kw_only=True)
    ends: Int64Array = attrs.field(kw_only=True)
    _period: Int64Array = attrs.field(metadata=ITEM, kw_only=True)  # each cell's period
    _count: Int64Array = attrs.field(metadata=ITEM, kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        n_periods = len(self.periods)
        total = _cell_sums(codes, n_groups, self._count)
        mean = total / n_periods if n_periods else np.full(n_groups, np.nan)
        grid = np.zeros((n_groups, max(n_periods, 1)), dtype=np.int64)
        np.add.at(grid, (codes, self._period), self._count)
        return {"total": total, "mean": mean, "peak_count": grid.max(axis=1)}

    @property
    def counts(self) -> Int64Array:
        """Messages per period (a read-only int64 array, one per period)."""
        counts = np.zeros(len(self.periods), dtype=np.int64)
        np.add.at(counts, self._period, self._count)
        counts.flags.writeable = False
        return counts

    @property
    def total(self) -> int:
        """All messages counted: the sum over the periods."""
        return int(self._count.sum())


# --- content: counts per name, counts per class ---------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class _NameCounts(_CellResult):
    """Cells of counts per name (an option, a topic): ``_counts[cell, name]``, names sorted."""

    names: tuple[str, ...] = attrs.field(kw_only=True)
    _counts: Int64Array = attrs.field(metadata=ITEM, kw_only=True)

    def _grid(self, codes: Int64Array, n_groups: int) -> Int64Array:
        return _cell_sums(codes, n_groups, self._counts)

    def _top(self, grid: Int64Array) -> tuple[Any, Int64Array]:
        group, name = np.nonzero(grid)
        return top_per_group(
            group.astype(np.int64),
            name.astype(np.int64),
            grid[group, name],
            grid.shape[0],
            self.names,
        )

    def _named_counts(self) -> tuple[tuple[str, ...], Int64Array]:
        return self.names, self._counts.sum(axis=0, dtype=np.int64)


@attrs.frozen(eq=False, repr=False)
class QuickReplySummary(OptionCounts, _NameCounts):
    """Merged quick replies: as [`QuickReplyResult`][socialcare_metrics.QuickReplyResult], from
    each group's count per option. ``trend()`` needs the function on the data.

    Attributes:
        names: The options picked, sorted.
    """

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        grid = self._grid(codes, n_groups)
        count = grid.sum(axis=1, dtype=np.int64)
        top, top_count = self._top(grid)
        return option_columns(count, top, top_count)

    @property
    def count(self) -> int:
        """Messages with a quick reply."""
        return int(self._counts.sum())


@attrs.frozen(eq=False, repr=False)
class TopicSummary(TopicCounts, _NameCounts):
    """Merged topics: as [`TopicResult`][socialcare_metrics.TopicResult] at the states'
    ``level``, from each group's items, untagged items and count per topic. ``at_level()`` and
    ``trend()`` need the function on the data (or states made at the other level).

    Attributes:
        per: ``"message"`` or ``"conversation"``: what an item is.
        level: The depth the topics were counted at.
        names: The topics present, sorted.
    """

    per: str = attrs.field(kw_only=True)
    level: int = attrs.field(kw_only=True)
    _items: Int64Array = attrs.field(metadata=ITEM, kw_only=True)  # [cell, (count, untagged)]

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        items = _cell_sums(codes, n_groups, self._items)
        count, untagged = items[:, 0], items[:, 1]
        top, top_count = self._top(self._grid(codes, n_groups))
        return topic_columns(count, untagged, top, top_count)

    @property
    def count(self) -> int:
        """Items counted, tagged or not."""
        return int(self._items[:, 0].sum())

    @property
    def untagged(self) -> int:
        """Items without any tag."""
        return int(self._items[:, 1].sum())


@attrs.frozen(eq=False, repr=False)
class SentimentSummary(SentimentShares, _Histogram):
    """Merged customer sentiment: as [`SentimentResult`][socialcare_metrics.SentimentResult]
    (categories: unscored, neutral, positive, negative). ``by_topic()`` and ``trend()`` need
    the function on the data.

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

    positive_threshold: float = attrs.field(kw_only=True)
    negative_threshold: float = attrs.field(kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        sums = self._sums(codes, n_groups)
        unscored, neutral, positive, negative = sums.T
        count = neutral + positive + negative
        return sentiment_columns(count, unscored, positive, neutral, negative)

    @property
    def count(self) -> int:
        """Scored messages: what every share is over."""
        return int(self._total()[1:].sum())

    @property
    def unscored(self) -> int:
        """Customer messages without a score."""
        return int(self._total()[0])

    @property
    def neutral(self) -> int:
        """Scored messages between the thresholds."""
        return int(self._total()[1])

    @property
    def positive(self) -> int:
        """Messages scored at or above `positive_threshold`."""
        return int(self._total()[2])

    @property
    def negative(self) -> int:
        """Messages scored at or below `negative_threshold`."""
        return int(self._total()[3])


# --- voice of the customer ----------------------------------------------------------------------


@attrs.frozen(eq=False)
class _CellTerms:
    """The terms of each cell of a merged voice state, as (cell, term) pairs: each pair's term
    (a code into the summary's sorted terms), its counts (segment, against, corpus) and the
    examples the cell kept for it (segment side, other side)."""

    n_cells: int
    cell: Int64Array
    term: Int64Array
    counts: Int64Array  # [pair, 3]
    examples: npt.NDArray[np.object_]  # per pair: (segment examples, against examples)

    def __len__(self) -> int:
        return self.n_cells

    def subset(self, index: npt.NDArray[np.intp]) -> _CellTerms:
        position = np.full(self.n_cells, -1, dtype=np.int64)
        position[index] = np.arange(index.shape[0], dtype=np.int64)
        kept = np.flatnonzero(position[self.cell] >= 0)
        return _CellTerms(
            n_cells=int(index.shape[0]),
            cell=position[self.cell[kept]],
            term=self.term[kept],
            counts=self.counts[kept],
            examples=self.examples[kept],
        )


@attrs.frozen(eq=False, repr=False)
class VoiceSummary(VoiceRanking, _CellResult):
    """A merged voice of the customer: as [`VoiceResult`][socialcare_metrics.VoiceResult],
    from each group's messages per side and, per term, its counts and latest examples.

    The rankings, their scores (to the last bit: the same kernel on the same counts), the
    examples, ``counts()`` and ``by()`` over the groups kept are the function's on all the data.

    Attributes:
        segment: What the segment is.
        against: What it is compared against.
        top: How many terms `terms` and `against_terms` list.
        min_count: The fewest messages (both sides together) a ranked term is used in.
        prior: The prior's weight.
        examples: How many example messages each listed term carries.
        language: The language whose stop words were used (``None``: all six lists).
        bigrams: Whether word bigrams were counted beside single terms.
    """

    segment: str = attrs.field(kw_only=True)
    against: str = attrs.field(kw_only=True)
    top: int = attrs.field(kw_only=True)
    min_count: int = attrs.field(kw_only=True)
    prior: float = attrs.field(kw_only=True)
    examples: int = attrs.field(kw_only=True)
    language: str | None = attrs.field(kw_only=True)
    bigrams: bool = attrs.field(kw_only=True)
    _names: tuple[str, ...] = attrs.field(kw_only=True, alias="names")
    _sides: Int64Array = attrs.field(metadata=ITEM, kw_only=True)  # [cell, 4]
    _pairs: _CellTerms = attrs.field(metadata=ITEM, kw_only=True)

    def _vocabulary(self) -> tuple[str, ...]:
        return self._names

    def _dense(self) -> _Dense:
        pairs = self._pairs
        size = len(self._names)

        def per_term(column: int) -> Int64Array:
            out = np.zeros(size, dtype=np.int64)
            np.add.at(out, pairs.term, pairs.counts[:, column])
            return out

        return _Dense(segment=per_term(0), against=per_term(1), corpus=per_term(2))

    def _side_counts(
        self, codes: Int64Array, n_groups: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:
        sums = _cell_sums(codes, n_groups, self._sides)
        return sums[:, 0], sums[:, 1], sums[:, 2], sums[:, 3]

    def _group_pairs(self, codes: Int64Array, n_groups: int) -> GroupPairs:
        pairs = self._pairs
        size = max(len(self._names), 1)
        key = codes[pairs.cell] * size + pairs.term
        present, inverse = np.unique(key, return_inverse=True)
        sums = np.zeros((present.shape[0], 3), dtype=np.int64)
        np.add.at(sums, inverse.reshape(-1), pairs.counts)
        return present // size, present % size, sums[:, 0], sums[:, 1], sums[:, 2]

    def _examples(self, codes: list[int], side: int) -> dict[int, tuple[TermExample, ...]]:
        if not codes or self.examples == 0:
            return {}
        pairs = self._pairs
        which = 0 if side == SIDE_SEGMENT else 1
        found: dict[int, list[ExampleKey]] = {code: [] for code in codes}
        for i in np.flatnonzero(np.isin(pairs.term, codes)).tolist():
            found[int(pairs.term[i])].extend(pairs.examples[i][which])
        return {
            code: tuple(map(example_of, latest_examples(keys, self.examples)))
            for code, keys in found.items()
            if keys
        }


# --- durations ----------------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class _DurationCells(_CellResult):
    """Cells of durations: closed and open counts, exact sums, minimum, maximum, a sketch and
    the slowest items of each."""

    _count: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _pending: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _second_sums: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _rest_sums: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _min_ns: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _max_ns: Int64Array = attrs.field(metadata=ITEM, kw_only=True)
    _sketches: np.ndarray[Any, Any] = attrs.field(metadata=ITEM, kw_only=True)  # QuantileSketch
    _slow: np.ndarray[Any, Any] = attrs.field(metadata=ITEM, kw_only=True)  # tuples per cell
    kept_slowest: int = attrs.field(kw_only=True)

    @property
    def approximate(self) -> bool:
        """Whether the percentiles are estimates (always, for a state's result)."""
        return True

    @property
    def relative_error(self) -> float:
        """The percentiles' bound: each is within this fraction of the exact percentile."""
        sketches = [s for s in self._sketches.tolist() if s.count]
        return float(sketches[0].relative_accuracy) if sketches else 0.01

    def _duration_columns(self, codes: Int64Array, n_groups: int) -> Summary:
        def sums(values: Int64Array) -> Int64Array:
            return _cell_sums(codes, n_groups, values)

        count, pending = sums(self._count), sums(self._pending)
        full = count > 0
        big = np.iinfo(np.int64).max
        low = np.full(n_groups, big, dtype=np.int64)
        high = np.zeros(n_groups, dtype=np.int64)
        has = self._count > 0
        np.minimum.at(low, codes[has], self._min_ns[has])
        np.maximum.at(high, codes[has], self._max_ns[has])
        mean = np.zeros(n_groups, dtype=np.int64)
        if full.any():
            mean[full] = mean_us_of_sums(
                sums(self._second_sums)[full], sums(self._rest_sums)[full], count[full]
            )
        members: list[list[QuantileSketch]] = [[] for _ in range(n_groups)]
        for code, sketch in zip(codes.tolist(), self._sketches.tolist(), strict=True):
            members[code].append(sketch)
        merged = [QuantileSketch.combine(m) for m in members]

        def quantile(q: float) -> Int64Array:
            values = np.array(
                [
                    _clamped(s, q, lo, hi)
                    for s, lo, hi in zip(merged, low.tolist(), high.tolist(), strict=True)
                ],
                dtype=np.float64,
            )
            return ns_float_to_us(values)

        return {
            "count": count,
            "pending": pending,
            "mean": us_to_seconds(mean, full),
            "median": us_to_seconds(quantile(50), full),
            "p90": us_to_seconds(quantile(90), full),
            "min": us_to_seconds(round_us(np.where(full, low, 0)), full),
            "max": us_to_seconds(round_us(high), full),
        }

    def _percentile_ns(self, q: float, function: str) -> timedelta | None:
        q = check_number(q, function, "q", low=0, high=100)
        if not int(self._count.sum()):
            return None
        has = self._count > 0
        sketch = QuantileSketch.combine(self._sketches.tolist())
        value = _clamped(sketch, q, int(self._min_ns[has].min()), int(self._max_ns[has].max()))
        return timedelta(microseconds=int(ns_float_to_us(np.array([value]))[0]))

    def _slowest_items(self, k: int, function: str) -> list[tuple[Any, ...]]:
        k = check_count(k, function, "k")
        if k > self.kept_slowest:
            raise InvalidParameterError(
                function,
                "k",
                f"at most {self.kept_slowest}, the slowest items the states kept "
                "(make the states with a larger slowest=)",
                k,
            )
        return sorted(
            (item for cell in self._slow.tolist() for item in cell),
            key=lambda item: (-item[0], item[1], item[2]),
        )[:k]


@attrs.frozen(eq=False, repr=False)
class DurationSummary(DurationStats, _DurationCells):
    """A merged duration metric: as [`DurationResult`][socialcare_metrics.DurationResult].

    `count`, `pending`, `mean`, `min`, `max` and `slowest()` are exact: the mean is the exact
    mean over every closed item, rounded as the function rounds it. `median`, `p90` and
    `percentile()` come from a mergeable sketch and are within `relative_error` (1%) of the
    exact percentile; `approximate` says so, and `to_dict()` and `describe()` say it too.
    `slowest(k)` goes up to the number of slowest items the states kept.
    """

    name: str = attrs.field(kw_only=True)
    as_of: datetime | None = attrs.field(kw_only=True)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        return self._duration_columns(codes, n_groups)

    @property
    def count(self) -> int:
        """How many closed items the statistics are over."""
        return int(self._count.sum())

    @property
    def pending(self) -> int:
        """How many items are still open at `as_of`."""
        return int(self._pending.sum())

    def _seconds(self, column: str) -> timedelta | None:
        value = self.summary_row()[column]
        return None if value is None else timedelta(microseconds=round(value * 1e6))

    @property
    def mean(self) -> timedelta | None:
        """The exact arithmetic mean, rounded half up to the microsecond, or ``None``."""
        return self._seconds("mean")

    @property
    def min(self) -> timedelta | None:
        """The shortest duration (exact)."""
        has = self._count > 0
        return ns_to_timedelta(int(self._min_ns[has].min())) if has.any() else None

    @property
    def max(self) -> timedelta | None:
        """The longest duration (exact)."""
        has = self._count > 0
        return ns_to_timedelta(int(self._max_ns[has].max())) if has.any() else None

    def percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile, ``q`` in [0, 100], within `relative_error`."""
        return self._percentile_ns(q, "DurationSummary.percentile")

    def slowest(self, k: int = 5) -> list[SlowWait]:
        """The ``k`` longest closed items, longest first (ties: earlier opened, then by
        conversation id), ``k`` up to the number the states kept (`kept_slowest`)."""
        return [
            SlowWait(
                conversation_id=conversation,
                duration=ns_to_timedelta(ns),
                opened_at=ns_to_datetime(opened),
            )
            for ns, opened, conversation in self._slowest_items(k, "DurationSummary.slowest")
        ]

    def to_dict(self) -> dict[str, Any]:
        """As [`DurationResult.to_dict`][socialcare_metrics.DurationResult.to_dict], plus
        ``approximate`` (the percentiles are estimates) and ``relative_error``."""
        return {
            "name": self.name,
            **self.summary_row(),
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "approximate": True,
            "relative_error": self.relative_error,
        }

    def describe(self) -> str:
        """Every statistic as text; the percentiles marked as estimates."""
        note = f"median and p90: estimates within {self.relative_error:.0%}"
        return f"{super().describe()}\n({note})"

    def __repr__(self) -> str:
        return (
            f"<DurationSummary {self.name}: mean {format_duration(self.mean)}, "
            f"median ~{format_duration(self.median)}, count {self.count:,}, "
            f"pending {self.pending:,}>"
        )


def _clamped(sketch: QuantileSketch, q: float, low: int, high: int) -> float:
    """A sketch's percentile, within the exact minimum and maximum (NaN if empty)."""
    value = sketch.percentile(q)
    if value is None:
        return float("nan")
    return float(min(max(value, float(low)), float(high)))


# --- tasks ----------------------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class TaskSummary(TaskCounts, _DurationCells):
    """Merged task performance: as [`TaskPerformance`][socialcare_metrics.TaskPerformance].

    `assigned`, `completed`, `open`, `completion_rate`, the mean and the maximum time to
    complete are exact; the median and `time_to_complete_percentile()` come from a mergeable
    sketch and are within `relative_error` (1%). ``by()`` takes ``"assignee"`` (or
    ``"agent"``) and periods, when the states kept them.
    """

    def by(self, *keys: str, tz: TimeZone | None = None) -> Groups[Self]:
        if "assignee" in keys and "agent" not in self._kept:
            # Refused as the agent key is: the states did not keep assignees.
            return super().by(*("agent" if k == "assignee" else k for k in keys), tz=tz)
        return super().by(*keys, tz=tz)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        columns = self._duration_columns(codes, n_groups)
        completed = columns["count"]
        return task_columns(
            completed + columns["pending"],
            completed,
            columns["mean"],
            columns["median"],
            columns["max"],
        )

    @property
    def completed(self) -> int:
        """Tasks completed."""
        return int(self._count.sum())

    @property
    def open(self) -> int:
        """Tasks not completed."""
        return int(self._pending.sum())

    @property
    def assigned(self) -> int:
        """Tasks assigned."""
        return self.completed + self.open

    @property
    def mean_time_to_complete(self) -> timedelta | None:
        """The mean time from assignment to completion (exact)."""
        value = self.summary_row()["mean_time_to_complete"]
        return None if value is None else timedelta(microseconds=round(value * 1e6))

    @property
    def median_time_to_complete(self) -> timedelta | None:
        """The median time to complete, within `relative_error`."""
        return self.time_to_complete_percentile(50)

    @property
    def max_time_to_complete(self) -> timedelta | None:
        """The longest time from assignment to completion (exact)."""
        has = self._count > 0
        return ns_to_timedelta(int(self._max_ns[has].max())) if has.any() else None

    def time_to_complete_percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile of time to complete, ``q`` in [0, 100], within
        `relative_error`."""
        return self._percentile_ns(q, "TaskSummary.time_to_complete_percentile")

    def slowest(self, k: int = 5) -> list[SlowTask]:
        """The ``k`` completed tasks that took longest, longest first (ties: the earlier
        assigned, then by task id), ``k`` up to the number the states kept (`kept_slowest`)."""
        return [
            SlowTask(task_id=task, assignee=assignee, duration=ns_to_timedelta(ns))
            for ns, _, task, assignee in self._slowest_items(k, "TaskSummary.slowest")
        ]

    def to_dict(self) -> dict[str, Any]:
        """As [`TaskPerformance.to_dict`][socialcare_metrics.TaskPerformance.to_dict], plus
        ``approximate`` (the median is an estimate) and ``relative_error``."""
        return {
            "name": "task performance",
            **self.summary_row(),
            "approximate": True,
            "relative_error": self.relative_error,
        }

    def describe(self) -> str:
        """Every statistic as text; the median marked as an estimate."""
        return f"{super().describe()}\n(median: an estimate within {self.relative_error:.0%})"

    def __repr__(self) -> str:
        return (
            f"<TaskSummary: {self.completed:,} of {self.assigned:,} completed ({self}), "
            f"{self.open:,} open>"
        )
