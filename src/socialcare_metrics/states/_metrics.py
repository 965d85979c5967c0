"""One state class per metric: how the metric's items become cells, and cells a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sized
from typing import Any, ClassVar, Final, Self
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from .._core.typing import Int64Array
from .._core.validation import check_count
from .._engine.content import pair_counts
from .._engine.segments import (
    Segment,
    SegmentSpec,
    as_segment,
    segment_of_spec,
    segment_spec,
    spec_to_json,
)
from .._engine.sla import classify
from ..errors import InvalidParameterError
from ..results._content import topic_counts_per_group
from ..results._grouping import GroupKeys
from ..results._stats import sort_within_groups
from ..results.durations import DurationResult
from ..results.voice import SIDE_AGAINST, SIDE_SEGMENT, ExampleKey, TermCounts, latest_examples
from ._base import CellKey, MetricState, cell_index
from ._results import (
    AttainmentSummary,
    CountSummary,
    CsatSummary,
    DurationSummary,
    NpsSummary,
    QuickReplySummary,
    RateSummary,
    ReplyVolumeSummary,
    SentimentSummary,
    SlaSummary,
    TaskSummary,
    TopicSummary,
    VoiceSummary,
    VolumeSummary,
    _CellTerms,
)
from ._sketch import RELATIVE_ACCURACY, QuantileSketch, sketch_keys

__all__ = [
    "ActionRateState",
    "CsatState",
    "CustomerSentimentState",
    "DurationCell",
    "ExpectationAttainmentState",
    "FirstReplyTimeState",
    "HourOfWeekState",
    "InboundVolumeState",
    "MessagesReceivedState",
    "NpsState",
    "QuickRepliesState",
    "ReplyRateState",
    "ReplyWaitTimeState",
    "ResolutionRateState",
    "ResolutionTimeState",
    "SlaComplianceState",
    "TaskCell",
    "TaskPerformanceState",
    "TimeToActionState",
    "TopicsState",
    "TotalRepliesState",
    "UniqueMessagesRepliedState",
    "VoiceOfCustomerState",
]


# --- counts per category --------------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class _HistogramState(MetricState):
    """Cells of counts per category (a tuple of ints per cell)."""

    _width: ClassVar[int]

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:  # pragma: no cover
        raise NotImplementedError

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        keys, category = self._categories(result)
        cell, cells = cell_index(keys, self.by, self._zone())
        counts = np.bincount(
            cell * self._width + category, minlength=len(cells) * self._width
        ).reshape(len(cells), self._width)
        return {key: tuple(row) for key, row in zip(cells, counts.tolist(), strict=True)}

    def _merge_cells(self, a: Any, b: Any) -> Any:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    def _hist(self, values: list[Any]) -> Int64Array:
        return np.array(values, dtype=np.int64).reshape(len(values), self._width)


def _ones(result: Any) -> tuple[GroupKeys, Int64Array]:
    keys: GroupKeys = result._keys
    return keys, np.zeros(keys.time.shape[0], dtype=np.int64)


@attrs.frozen(eq=False, repr=False)
class MessagesReceivedState(_HistogramState):
    """[`messages_received`][socialcare_metrics.messages_received] as a mergeable state.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import MessagesReceivedState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> a = MessagesReceivedState.empty().update([Conversation("c1", [Message("m1", t0, "customer")])])
        >>> b = MessagesReceivedState.empty().update([Conversation("c2", [Message("m2", t0, "customer")])])
        >>> a.merge(b).result().count
        2
    """  # noqa: E501

    _metric: ClassVar[str] = "messages_received"
    _width: ClassVar[int] = 1

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        return _ones(result)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return CountSummary(
            keys=keys, hist=self._hist(values), kept=self.by, name="messages received"
        )


@attrs.frozen(eq=False, repr=False)
class UniqueMessagesRepliedState(MessagesReceivedState):
    """[`unique_messages_replied`][socialcare_metrics.unique_messages_replied] as a state."""

    _metric: ClassVar[str] = "unique_messages_replied"

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return CountSummary(
            keys=keys, hist=self._hist(values), kept=self.by, name="unique messages replied"
        )


@attrs.frozen(eq=False, repr=False)
class TotalRepliesState(_HistogramState):
    """[`total_replies`][socialcare_metrics.total_replies] as a state (agents, bots)."""

    _metric: ClassVar[str] = "total_replies"
    _width: ClassVar[int] = 2

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        return result._keys, result._bot.astype(np.int64)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return ReplyVolumeSummary(
            keys=keys,
            hist=self._hist(values),
            kept=self.by,
            name="total replies",
            bot_replies=bool(self.options["bot_replies"]),
        )


@attrs.frozen(eq=False, repr=False)
class ReplyRateState(_HistogramState):
    """[`reply_rate`][socialcare_metrics.reply_rate] as a mergeable state.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import ReplyRateState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> answered = Conversation("c1", [
        ...     Message("m1", t0, "customer"),
        ...     Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
        ... ])
        >>> unanswered = Conversation("c2", [Message("m3", t0, "customer")])
        >>> state = ReplyRateState.empty(by="agent")
        >>> merged = state.update([answered]).merge(state.update([unanswered]))
        >>> merged.result().value, merged.result().by("agent").summary()["agent"]
        (0.5, ['ana', None])
    """

    _metric: ClassVar[str] = "reply_rate"
    _width: ClassVar[int] = 2
    _name: ClassVar[str] = "reply rate"

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        return result._keys, result._hit.astype(np.int64)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return RateSummary(keys=keys, hist=self._hist(values), kept=self.by, name=self._name)


@attrs.frozen(eq=False, repr=False)
class ResolutionRateState(ReplyRateState):
    """[`resolution_rate`][socialcare_metrics.resolution_rate] as a mergeable state."""

    _metric: ClassVar[str] = "resolution_rate"
    _name: ClassVar[str] = "resolution rate"


@attrs.frozen(eq=False, repr=False)
class ActionRateState(ReplyRateState):
    """[`action_rate`][socialcare_metrics.action_rate] as a mergeable state."""

    _metric: ClassVar[str] = "action_rate"
    _name: ClassVar[str] = "action rate"


@attrs.frozen(eq=False, repr=False)
class CsatState(_HistogramState):
    """[`csat`][socialcare_metrics.csat] as a mergeable state: responses per score and group.

    Its merged result has no follow-up list (that lists responses; a state counts them).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import SurveyResponse
        >>> from socialcare_metrics.states import CsatState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def answers(*scores): return [SurveyResponse("csat", s, t0) for s in scores]
        >>> state = CsatState.empty()
        >>> merged = state.update(answers(5, 4)).merge(state.update(answers(2, 5)))
        >>> merged.result().csat, merged.result().average
        (0.75, 4.0)
    """

    _metric: ClassVar[str] = "csat"
    _width: ClassVar[int] = 5
    _low: ClassVar[int] = 1
    _allowed_by: ClassVar[tuple[str, ...]] = ("agent", "hour", "day", "week", "month")

    def _empty_data(self) -> Any:
        from ..tables.surveys import SurveyTable

        return SurveyTable.from_responses([])

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        return result._keys_of(), result._table.score.astype(np.int64) - self._low

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return CsatSummary(keys=keys, hist=self._hist(values), kept=self.by)


@attrs.frozen(eq=False, repr=False)
class NpsState(CsatState):
    """[`nps`][socialcare_metrics.nps] as a mergeable state: responses per score and group."""

    _metric: ClassVar[str] = "nps"
    _width: ClassVar[int] = 11
    _low: ClassVar[int] = 0

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return NpsSummary(keys=keys, hist=self._hist(values), kept=self.by)


@attrs.frozen(eq=False, repr=False)
class SlaComplianceState(_HistogramState):
    """[`sla_compliance`][socialcare_metrics.sla_compliance] as a mergeable state: achieved,
    breached and pending items per target and group.

    Whether an open item is breached or pending depends on ``as_of``, so ``empty()`` needs
    ``as_of=`` (or ``end=``): every slice must be judged at the same time.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message, SlaPolicy
        >>> from socialcare_metrics.states import SlaComplianceState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, minutes): return Conversation(cid, [
        ...     Message("q", t0, "customer"),
        ...     Message("a", t0 + timedelta(minutes=minutes), "agent", agent_id="ana")])
        >>> policy = SlaPolicy(first_reply=timedelta(hours=1))
        >>> state = SlaComplianceState.empty(policy, as_of=t0 + timedelta(days=1))
        >>> merged = state.update([thread("c1", 30)]).merge(state.update([thread("c2", 90)]))
        >>> str(merged.result()), merged.result().breached
        ('50.0%', 1)
        >>> SlaComplianceState.empty(policy)
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidParameterError: SlaComplianceState.empty(): 'as_of' must be a datetime (or end=): ...
    """  # noqa: E501

    _metric: ClassVar[str] = "sla_compliance"
    _width: ClassVar[int] = 9
    _needs_as_of: ClassVar[bool] = True
    _object_options: ClassVar[tuple[str, ...]] = ("policy",)

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        category = result._kind.astype(np.int64) * 3 + result._status.astype(np.int64)
        return result._keys, category

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return SlaSummary(
            keys=keys,
            hist=self._hist(values),
            kept=self.by,
            policy=self.options["policy"],
            as_of=self._as_of(),
        )


@attrs.frozen(eq=False, repr=False)
class ExpectationAttainmentState(_HistogramState):
    """[`expectation_attainment`][socialcare_metrics.expectation_attainment] as a mergeable
    state: first waits counted by whether they were answered and by their status against 1
    hour and 24 hours.

    An unanswered conversation already older than a threshold at ``as_of`` counts as late, so
    ``empty()`` needs ``as_of=`` (or ``end=``). The merged result answers the two thresholds;
    ``within(other threshold)`` needs the function on the data.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import ExpectationAttainmentState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, hours): return Conversation(cid, [
        ...     Message("q", t0, "customer"),
        ...     Message("a", t0 + timedelta(hours=hours), "agent", agent_id="ana")])
        >>> state = ExpectationAttainmentState.empty(as_of=t0 + timedelta(days=2))
        >>> merged = state.update([thread("c1", 0.5)]).merge(state.update([thread("c2", 3)]))
        >>> print(merged.result())
        within 1 h: 50.0% of 2 (consumers expecting it: 57%)
        within 24 h: 100.0% of 2 (consumers expecting it: 75%)
    """

    _metric: ClassVar[str] = "expectation_attainment"
    _width: ClassVar[int] = 18
    _needs_as_of: ClassVar[bool] = True

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        closed = result._closed
        category = closed.astype(np.int64) * 9
        for weight, threshold in ((3, 3_600 * 10**9), (1, 86_400 * 10**9)):
            category += weight * classify(closed, result._actual_ns, threshold).astype(np.int64)
        return result._keys, category

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return AttainmentSummary(
            keys=keys,
            hist=self._hist(values),
            kept=self.by,
            as_of=self._as_of(),
            business_time=self.options["calendar"] is not None,
        )


@attrs.frozen(eq=False, repr=False)
class HourOfWeekState(_HistogramState):
    """[`hour_of_week`][socialcare_metrics.hour_of_week] as a mergeable state: the 7 x 24
    matrix of counts, which adds up exactly. Its result is an
    [`HourOfWeekResult`][socialcare_metrics.HourOfWeekResult], merged or not; ``tz=`` is the
    function's time zone.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import HourOfWeekState
        >>> monday_9 = datetime(2024, 5, 6, 9, 30, tzinfo=timezone.utc)
        >>> state = HourOfWeekState.empty(tz="Europe/Berlin")
        >>> one = state.update([Conversation("c1", [Message("m1", monday_9, "customer")])])
        >>> two = state.update([Conversation("c2", [Message("m2", monday_9, "customer")])])
        >>> one.merge(two).result().busiest(1)
        [('Monday', 11, 2)]
    """

    _metric: ClassVar[str] = "hour_of_week"
    _width: ClassVar[int] = 7 * 24
    _allowed_by: ClassVar[tuple[str, ...]] = ()

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        matrix = result.matrix
        return {(None, None, None): tuple(matrix.ravel().tolist())} if matrix.any() else {}

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        from ..results.series import HourOfWeekResult

        total = self._hist(values).sum(axis=0).reshape(7, 24)
        total.flags.writeable = False
        return HourOfWeekResult(tz=self._compute(self._empty_data()).tz, matrix=total)


@attrs.frozen(eq=False, repr=False)
class InboundVolumeState(_HistogramState):
    """[`inbound_volume`][socialcare_metrics.inbound_volume] as a mergeable state: customer
    messages per period of the function's ``period=`` in ``tz=`` (the function's time zone),
    and per agent and channel when kept (``by=("agent",)`` and so on).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import InboundVolumeState
        >>> def day(d): return datetime(2024, 5, d, 9, tzinfo=timezone.utc)
        >>> state = InboundVolumeState.empty(period="day")
        >>> first = state.update([Conversation("c1", [Message("m1", day(6), "customer")])])
        >>> second = state.update([Conversation("c2", [Message("m1", day(8), "customer")])])
        >>> first.merge(second).result().counts.tolist()
        [1, 0, 1]
    """

    _metric: ClassVar[str] = "inbound_volume"
    _width: ClassVar[int] = 1
    _allowed_by: ClassVar[tuple[str, ...]] = ("agent", "channel")

    def _function_zone(self) -> Any:
        from .._core.periods import resolve_timezone

        return resolve_timezone(self.options["tz"], f"{type(self).__name__}.update")

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        keys: GroupKeys = result._keys
        cell, cells = cell_index(keys, (*self.by, result.unit), self._function_zone())
        counts = np.bincount(cell, minlength=len(cells))
        return {key: (int(n),) for key, n in zip(cells, counts.tolist(), strict=True)}

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        from .._core.periods import bucket_instants
        from .._core.time import datetime_to_ns

        function = f"{type(self).__name__}.result"
        unit = self.options["period"]
        zone = self._function_zone()
        starts = keys.time
        lo, hi = (
            None if self.options[name] is None else datetime_to_ns(self.options[name])
            for name in ("start", "end")
        )
        span: tuple[int, int] | None = None
        # The function's range: the window's ends where given, else the data's (none if open
        # on one side over no message). A cell's period may start before the window does (the
        # window opens mid-period); the period is the same, so the range is too.
        if (lo is not None or hi is not None) and (
            starts.size or (lo is not None and hi is not None)
        ):
            first = lo if lo is not None else int(starts.min())
            last = hi - 1 if hi is not None else max(int(starts.max()), first)
            span = (first, last)
        index = bucket_instants(starts, unit, zone, span=span, function=function)
        period = np.searchsorted(index.starts, starts, side="right") - 1
        empty = self._compute(self._empty_data())
        return VolumeSummary(
            keys=attrs.evolve(keys, default_tz=zone),
            kept=self.by,
            unit=unit,
            tz=empty.tz,
            periods=tuple(index.labels()),
            starts=index.starts,
            ends=index.ends,
            period=period.astype(np.int64, copy=False),
            count=self._hist(values)[:, 0],
        )


# --- content: counts per name, counts per class ---------------------------------------------------


@attrs.frozen
class _NameCell:
    """What a ranking state keeps per group: its fixed counts (``items``: topics' items and
    untagged items; none for quick replies) and a count per name, as (name, count) pairs
    sorted by name."""

    items: tuple[int, ...]
    names: tuple[tuple[str, int], ...]

    def merge(self, other: _NameCell) -> _NameCell:
        counts = dict(self.names)
        for name, n in other.names:
            counts[name] = counts.get(name, 0) + n
        return _NameCell(
            items=tuple(a + b for a, b in zip(self.items, other.items, strict=True)),
            names=tuple(sorted(counts.items())),
        )


@attrs.frozen(eq=False, repr=False)
class _NameCountState(MetricState):
    """Cells of counts per name (quick-reply options, topics): names are kept as text, so a
    cell grows with the names its group uses, never with the items."""

    def _tallies(
        self, result: Any, cell: Int64Array, n_cells: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array, tuple[str, ...]]:
        """Each cell's fixed counts ``[cell, k]``, and the present (cell, name, count) triples
        with the names the codes index."""
        raise NotImplementedError  # pragma: no cover

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        cell, cells = cell_index(result._keys, self.by, self._zone())
        items, group, name, count, names = self._tallies(result, cell, len(cells))
        found: list[list[tuple[str, int]]] = [[] for _ in cells]
        for g, k, n in zip(group.tolist(), name.tolist(), count.tolist(), strict=True):
            found[g].append((names[k], n))
        return {
            key: _NameCell(items=tuple(items[i].tolist()), names=tuple(sorted(found[i])))
            for i, key in enumerate(cells)
        }

    def _merge_cells(self, a: Any, b: Any) -> Any:
        assert isinstance(a, _NameCell)
        assert isinstance(b, _NameCell)
        return a.merge(b)

    def _cell_to_json(self, value: Any) -> Any:
        assert isinstance(value, _NameCell)
        return {"items": list(value.items), "names": [[k, n] for k, n in value.names]}

    def _cell_from_json(self, value: Any) -> Any:
        return _NameCell(
            items=tuple(int(n) for n in value["items"]),
            names=tuple(sorted((str(k), int(n)) for k, n in value["names"])),
        )

    def _matrices(self, values: list[Any]) -> tuple[tuple[str, ...], Int64Array, Int64Array]:
        """The names any cell has (sorted), counts ``[cell, name]`` and fixed counts."""
        names = tuple(sorted({name for v in values for name, _ in v.names}))
        position = {name: i for i, name in enumerate(names)}
        counts = np.zeros((len(values), len(names)), dtype=np.int64)
        for i, v in enumerate(values):
            for name, n in v.names:
                counts[i, position[name]] = n
        width = len(values[0].items) if values else 0
        items = np.array([v.items for v in values], dtype=np.int64).reshape(len(values), width)
        return names, counts, items


@attrs.frozen(eq=False, repr=False)
class QuickRepliesState(_NameCountState):
    """[`quick_replies`][socialcare_metrics.quick_replies] as a mergeable state: each group's
    count per option, which adds up exactly. The merged result ranks and shares as the
    function's does; ``trend()`` needs the function on the data.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import QuickRepliesState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def picked(cid, *options): return Conversation(cid, [
        ...     Message(f"{cid}-{i}", t0, "customer", quick_reply=o) for i, o in enumerate(options)])
        >>> state = QuickRepliesState.empty()
        >>> merged = state.update([picked("c1", "Billing")]).merge(
        ...     state.update([picked("c2", "Track order", "Track order")]))
        >>> merged.result().counts()
        {'Track order': 2, 'Billing': 1}
    """  # noqa: E501

    _metric: ClassVar[str] = "quick_replies"
    _object_options: ClassVar[tuple[str, ...]] = ()

    def _tallies(
        self, result: Any, cell: Int64Array, n_cells: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array, tuple[str, ...]]:
        names: tuple[str, ...] = result.option_names
        group, option, count = pair_counts(cell, result._option.astype(np.int64), len(names))
        return np.zeros((n_cells, 0), dtype=np.int64), group, option, count, names

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        names, counts, _ = self._matrices(values)
        return QuickReplySummary(keys=keys, kept=self.by, names=names, counts=counts)


@attrs.frozen(eq=False, repr=False)
class TopicsState(_NameCountState):
    """[`topics`][socialcare_metrics.topics] as a mergeable state: each group's items, untagged
    items and count per topic at the state's ``level``, which add up exactly (an item counts
    once per topic, in one slice). ``rules=``, when given, is an object option: `from_dict`
    needs it again. ``at_level()`` and ``trend()`` need the function on the data.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import TopicsState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def tagged(cid, *tags): return Conversation(cid, [
        ...     Message(cid, t0, "customer", tags=list(tags))])
        >>> state = TopicsState.empty(level=1)
        >>> merged = state.update([tagged("c1", "billing/refund")]).merge(
        ...     state.update([tagged("c2", "billing/invoice", "delivery/late"), tagged("c3")]))
        >>> merged.result().counts(), merged.result().untagged
        ({'billing': 2, 'delivery': 1}, 1)
    """

    _metric: ClassVar[str] = "topics"
    _object_options: ClassVar[tuple[str, ...]] = ("rules",)

    def _tallies(
        self, result: Any, cell: Int64Array, n_cells: int
    ) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array, tuple[str, ...]]:
        set_codes, index = result._tags.topics(result.level)
        group, topic, count = topic_counts_per_group(cell, n_cells, set_codes, index)
        items = np.zeros((n_cells, 2), dtype=np.int64)
        items[:, 0] = np.bincount(cell, minlength=n_cells)
        items[:, 1] = np.bincount(cell[result._untagged_mask()], minlength=n_cells)
        return items, group, topic, count, tuple(index.names)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        names, counts, items = self._matrices(values)
        return TopicSummary(
            keys=keys,
            kept=self.by,
            names=names,
            counts=counts,
            items=items.reshape(len(values), 2),
            per=self.options["per"],
            level=self.options["level"],
        )


@attrs.frozen(eq=False, repr=False)
class CustomerSentimentState(_HistogramState):
    """[`customer_sentiment`][socialcare_metrics.customer_sentiment] as a mergeable state:
    each group's unscored, neutral, positive and negative messages.

    A state counts the scores the messages carry: ``scorer=`` must be ``None`` (a callable
    cannot be written to a state's dict, nor compared across processes). Score the messages
    first, with [`score_sentiment`][socialcare_metrics.score_sentiment], and make the state
    over the scored table. ``by_topic()`` and ``trend()`` need the function on the data.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import CustomerSentimentState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def scored(cid, *scores): return Conversation(cid, [
        ...     Message(f"{cid}-{i}", t0, "customer", sentiment=s) for i, s in enumerate(scores)])
        >>> state = CustomerSentimentState.empty()
        >>> merged = state.update([scored("c1", -0.6, 0.7)]).merge(state.update([scored("c2", 0.8, 0.01)]))
        >>> merged.result().net_sentiment, merged.result().positive, merged.result().neutral
        (25.0, 2, 1)
        >>> CustomerSentimentState.empty(scorer=len)
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidParameterError: CustomerSentimentState.empty(): 'scorer' must be None: ...
    """  # noqa: E501

    _metric: ClassVar[str] = "customer_sentiment"
    _width: ClassVar[int] = 4
    _object_options: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def empty(
        cls,
        *args: Any,
        by: tuple[str, ...] | str = (),
        tz: str | ZoneInfo | None = None,
        **options: Any,
    ) -> Self:
        scorer = options.get("scorer")
        if scorer is not None:
            raise InvalidParameterError(
                f"{cls.__name__}.empty",
                "scorer",
                "None: a state counts the scores the messages carry; score them first with "
                "score_sentiment(data, scorer) and make the state over the scored table",
                scorer,
            )
        return super().empty(*args, by=by, tz=tz, **options)

    def _categories(self, result: Any) -> tuple[GroupKeys, Int64Array]:
        scored, positive, negative = result._masks()
        category = np.where(positive, 2, np.where(negative, 3, 1))
        return result._keys, np.where(scored, category, 0).astype(np.int64)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return SentimentSummary(
            keys=keys,
            hist=self._hist(values),
            kept=self.by,
            positive_threshold=self.options["positive_threshold"],
            negative_threshold=self.options["negative_threshold"],
        )


# --- voice of the customer ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _VoiceCell:
    """What a voice state keeps per group: the counts of its messages and terms, and for each
    term (aligned with ``counts.terms``) the latest messages that use it on each side, latest
    first (as `ExampleKey`: minus the time sent, conversation id, message id or "")."""

    counts: TermCounts
    segment_examples: tuple[tuple[ExampleKey, ...], ...]
    against_examples: tuple[tuple[ExampleKey, ...], ...]

    def merge(self, other: _VoiceCell, keep: int) -> _VoiceCell:
        counts = self.counts + other.counts
        empty: tuple[ExampleKey, ...] = ()
        merged: list[tuple[tuple[ExampleKey, ...], ...]] = []
        for mine, theirs in (
            (self.segment_examples, other.segment_examples),
            (self.against_examples, other.against_examples),
        ):
            found = dict(zip(self.counts.terms, mine, strict=True))
            more = dict(zip(other.counts.terms, theirs, strict=True))
            merged.append(
                tuple(
                    latest_examples(a + b, keep) if a and b else a or b
                    for a, b in ((found.get(t, empty), more.get(t, empty)) for t in counts.terms)
                )
            )
        return _VoiceCell(counts, merged[0], merged[1])


@attrs.frozen
class _WrittenSegment:
    """A segment as states compare it: by how it was built; shown by its description."""

    spec: SegmentSpec
    description: str = attrs.field(eq=False)

    def __repr__(self) -> str:
        return repr(self.description)


_SEGMENT_OPTIONS: Final = ("segment", "against")


def _writable_segment(value: object, function: str, parameter: str) -> Segment:
    segment = as_segment(value, function, parameter)
    if segment_spec(segment) is None:
        raise InvalidParameterError(
            function,
            parameter,
            "a segment a state can write down: a Segment made with Segment.tag, .channel, "
            ".assignee, .negative, .positive, .neutral, .period or .previous_period (combined "
            "with &, |, ~ as needed), or 'negative', 'positive' or 'neutral'. A function or a "
            "bool mask cannot go into a state's dict nor be compared with another process's, "
            "and a mask is aligned to the rows of one table, not to each slice's; tag or score "
            "the messages first and segment by tag or sentiment, or call voice_of_customer on "
            "all the data",
            value,
        )
    return segment


@attrs.frozen(eq=False, repr=False)
class VoiceOfCustomerState(MetricState):
    """[`voice_of_customer`][socialcare_metrics.voice_of_customer] as a mergeable state: each
    group's messages per side and, per term, the messages that use it in the segment, on the
    other side and over the corpus, with the latest ``examples`` of them on each side.

    Ranking is done on the merged counts, so ``top`` and ``min_count`` decide after merging:
    a state keeps every term its groups use, and its examples, so its size grows with the
    vocabulary (times the groups kept, times ``examples``), never with the number of
    messages; ``examples=0`` keeps counts only. The merged result is a
    [`VoiceSummary`][socialcare_metrics.states.VoiceSummary] whose terms, counts, examples and
    ``z`` scores (to the last bit) are the function's on all the data, overall and in every
    group kept.

    Segments are written into the state's dict as how they were built, so ``segment=`` and
    ``against=`` must be segments of the library's constructors (``Segment.tag``,
    ``.channel``, ``.assignee``, ``.negative``, ``.positive``, ``.neutral``, ``.period``,
    ``.previous_period``), combined with ``&``, ``|`` and ``~`` as needed, or ``"negative"``,
    ``"positive"``, ``"neutral"``: a function of the table or a bool mask is refused.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message, Segment, voice_of_customer
        >>> from socialcare_metrics.states import VoiceOfCustomerState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def said(cid, text, tag): return Conversation(cid, [
        ...     Message(cid, t0 + timedelta(minutes=len(cid)), "customer", text=text, tags=[tag])])
        >>> first = [said("c1", "Where is my refund?", "billing"), said("c2", "The app crashes", "app")]
        >>> second = [said("c33", "Refund still missing", "billing"), said("c444", "App crashes again", "app")]
        >>> state = VoiceOfCustomerState.empty(segment=Segment.tag("billing"), min_count=2)
        >>> merged = state.update(first).merge(state.update(second)).result()
        >>> [s.term for s in merged.terms], [s.term for s in merged.against_terms]
        (['refund'], ['app', 'crashes'])
        >>> whole = voice_of_customer(first + second, segment=Segment.tag("billing"), min_count=2)
        >>> merged.terms == whole.terms, merged.terms[0].examples[0].message_id
        (True, 'c33')
        >>> VoiceOfCustomerState.empty(segment=lambda table: table.sentiment < 0)
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidParameterError: VoiceOfCustomerState.empty(): 'segment' must be a segment a state can write down: ...
    """  # noqa: E501

    _metric: ClassVar[str] = "voice_of_customer"
    _object_options: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def empty(
        cls,
        *args: Any,
        by: tuple[str, ...] | str = (),
        tz: str | ZoneInfo | None = None,
        **options: Any,
    ) -> Self:
        function = f"{cls.__name__}.empty"
        for name in _SEGMENT_OPTIONS:
            if options.get(name) is not None:
                options[name] = _writable_segment(options[name], function, name)
        words = options.get("stop_words")
        if isinstance(words, Iterable) and not isinstance(words, str | bytes):
            # As a set (what the function reads of them), so that states compare by it; read
            # once (an iterator), and anything else left for the function to refuse.
            listed = list(words)
            valid = all(isinstance(w, str) for w in listed)
            options["stop_words"] = tuple(sorted(set(listed))) if valid else listed
        return super().empty(*args, by=by, tz=tz, **options)

    def _config(self) -> dict[str, Any]:
        config = super()._config()
        for name in _SEGMENT_OPTIONS:
            segment = self.options[name]
            spec = None if segment is None else segment_spec(segment)
            config[f"option {name}"] = (
                None if spec is None else _WrittenSegment(spec, segment.description)
            )
        return config

    def _option_to_json(self, name: str, value: Any) -> Any:
        if name in _SEGMENT_OPTIONS and value is not None:
            spec = segment_spec(value)
            assert spec is not None  # refused by empty()
            return {"segment": spec_to_json(spec), "description": value.description}
        if name == "stop_words" and value is not None:
            return list(value)
        return super()._option_to_json(name, value)

    @classmethod
    def _option_from_json(
        cls, name: str, value: Any, objects: Mapping[str, Any], function: str
    ) -> Any:
        if name in _SEGMENT_OPTIONS and value is not None:
            segment = segment_of_spec(value["segment"])
            if segment.description != value["description"]:
                raise ValueError(
                    f"{name} {value['description']!r} was rebuilt as {segment.description!r}"
                )
            return segment
        if name == "stop_words" and value is not None:
            if not all(isinstance(w, str) for w in value):
                raise ValueError(f"stop_words must be str (got {value!r})")
            return tuple(value)
        return super()._option_from_json(name, value, objects, function)

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        cell, cells = cell_index(result._keys, self.by, self._zone())
        n_cells = len(cells)
        sides = np.stack(result._side_counts(cell, n_cells), axis=1).tolist()
        group, term, segment, against, corpus = result._group_pairs(cell, n_cells)
        vocabulary: tuple[str, ...] = result._vocabulary()
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[sorted(range(len(vocabulary)), key=vocabulary.__getitem__)] = np.arange(
            len(vocabulary)
        )
        # Each cell's terms sorted by name, as TermCounts keeps them.
        order = np.lexsort((rank[term], group))
        group, term = group[order], term[order]
        segment, against, corpus = segment[order], against[order], corpus[order]
        bounds = np.searchsorted(group, np.arange(n_cells + 1)).tolist()
        kept = {
            side: result._example_keys(side, codes=cell) for side in (SIDE_SEGMENT, SIDE_AGAINST)
        }
        out: dict[CellKey, Any] = {}
        for i, key in enumerate(cells):
            lo, hi = bounds[i], bounds[i + 1]
            codes = term[lo:hi].tolist()
            seg_messages, against_messages, overlap, messages = sides[i]
            counts = TermCounts(
                tuple(vocabulary[t] for t in codes),
                segment[lo:hi].copy(),
                against[lo:hi].copy(),
                corpus[lo:hi].copy(),
                segment_messages=seg_messages,
                against_messages=against_messages,
                overlap=overlap,
                messages=messages,
            )
            examples = [
                tuple(kept[side].get((i, t), ()) for t in codes)
                for side in (SIDE_SEGMENT, SIDE_AGAINST)
            ]
            out[key] = _VoiceCell(counts, examples[0], examples[1])
        return out

    def _merge_cells(self, a: Any, b: Any) -> Any:
        assert isinstance(a, _VoiceCell)
        assert isinstance(b, _VoiceCell)
        return a.merge(b, int(self.options["examples"]))

    def _cell_to_json(self, value: Any) -> Any:
        assert isinstance(value, _VoiceCell)
        counts = value.counts
        return {
            "terms": list(counts.terms),
            "segment": counts.segment.tolist(),
            "against": counts.against.tolist(),
            "corpus": counts.corpus.tolist(),
            "messages": [
                counts.segment_messages,
                counts.against_messages,
                counts.overlap,
                counts.messages,
            ],
            # Each example as [sent at (epoch ns), conversation id, message id or ""].
            "segment_examples": [
                [[-t, c, m] for t, c, m in kept] for kept in value.segment_examples
            ],
            "against_examples": [
                [[-t, c, m] for t, c, m in kept] for kept in value.against_examples
            ],
        }

    def _cell_from_json(self, value: Any) -> Any:
        terms = tuple(str(t) for t in value["terms"])
        if list(terms) != sorted(set(terms)):
            raise ValueError("a cell's terms must be distinct and sorted")
        segment, against, corpus = (
            np.array(value[k], dtype=np.int64).reshape(-1) for k in ("segment", "against", "corpus")
        )
        examples = [
            tuple(tuple((-int(t), str(c), str(m)) for t, c, m in kept) for kept in value[k])
            for k in ("segment_examples", "against_examples")
        ]
        parts: list[Sized] = [segment, against, corpus, *examples]
        sizes = {len(terms), *(len(part) for part in parts)}
        if len(sizes) != 1:
            raise ValueError("a cell's counts and examples must have one entry per term")
        segment_messages, against_messages, overlap, messages = (int(n) for n in value["messages"])
        counts = TermCounts(
            terms,
            segment,
            against,
            corpus,
            segment_messages=segment_messages,
            against_messages=against_messages,
            overlap=overlap,
            messages=messages,
        )
        return _VoiceCell(counts, examples[0], examples[1])

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        names = tuple(sorted({t for v in values for t in v.counts.terms}))
        position = {name: i for i, name in enumerate(names)}
        cell: list[int] = []
        term: list[int] = []
        counts: list[Int64Array] = []
        examples: list[tuple[Any, Any]] = []
        for i, v in enumerate(values):
            cell.extend([i] * len(v.counts.terms))
            term.extend(position[t] for t in v.counts.terms)
            counts.append(np.stack([v.counts.segment, v.counts.against, v.counts.corpus], axis=1))
            examples.extend(zip(v.segment_examples, v.against_examples, strict=True))
        kept = np.empty(len(examples), dtype=object)
        kept[:] = examples
        pairs = _CellTerms(
            n_cells=len(values),
            cell=np.array(cell, dtype=np.int64),
            term=np.array(term, dtype=np.int64),
            counts=np.concatenate(counts) if counts else np.zeros((0, 3), dtype=np.int64),
            examples=kept,
        )
        sides = [
            (c.segment_messages, c.against_messages, c.overlap, c.messages)
            for c in (v.counts for v in values)
        ]
        # The function's own description of the comparison and of its options.
        empty = self._compute(self._empty_data())
        return VoiceSummary(
            keys=keys,
            kept=self.by,
            segment=empty.segment,
            against=empty.against,
            top=empty.top,
            min_count=empty.min_count,
            prior=empty.prior,
            examples=empty.examples,
            language=empty.language,
            bigrams=empty.bigrams,
            names=names,
            sides=np.array(sides, dtype=np.int64).reshape(len(values), 4),
            pairs=pairs,
        )


# --- durations ------------------------------------------------------------------------------------


@attrs.frozen
class DurationCell:
    """What a duration state keeps per group: closed and pending counts, the exact sum (whole
    seconds and nanoseconds left), minimum and maximum, a percentile sketch, and the slowest
    items as (duration ns, opened ns, conversation id), longest first."""

    count: int
    pending: int
    second_sum: int
    rest_sum: int
    min_ns: int
    max_ns: int
    sketch: QuantileSketch
    slowest: tuple[tuple[int, int, str], ...]

    def merge(self, other: DurationCell, keep: int) -> DurationCell:
        if not other.count:
            low, high = self.min_ns, self.max_ns
        elif not self.count:
            low, high = other.min_ns, other.max_ns
        else:
            low, high = min(self.min_ns, other.min_ns), max(self.max_ns, other.max_ns)
        return DurationCell(
            count=self.count + other.count,
            pending=self.pending + other.pending,
            second_sum=self.second_sum + other.second_sum,
            rest_sum=self.rest_sum + other.rest_sum,
            min_ns=low,
            max_ns=high,
            sketch=self.sketch.merge(other.sketch),
            slowest=_top(self.slowest + other.slowest, keep),
        )


def _top(items: tuple[tuple[int, int, str], ...], keep: int) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted(items, key=lambda item: (-item[0], item[1], item[2]))[:keep])


@attrs.frozen(eq=False, repr=False)
class _DurationState(MetricState):
    """Cells of `DurationCell`; the state setting ``slowest`` (default 10) is how many of the
    slowest items each cell keeps, for ``result().slowest(k)``."""

    _settings: ClassVar[Mapping[str, Any]] = {"slowest": 10}
    _name: ClassVar[str]

    @classmethod
    def _check_setting(cls, name: str, value: Any, function: str) -> Any:
        return check_count(value, function, name)

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        assert isinstance(result, DurationResult)
        return self._duration_cells(
            result._keys, result._ns, result._closed, result._conversation.label
        )

    def _duration_cells(
        self, keys: GroupKeys, all_ns: Int64Array, closed: Any, label: Callable[[int], str]
    ) -> dict[CellKey, DurationCell]:
        """Each cell's durations, from every item's duration (``all_ns``, read where
        ``closed``), group keys and label (a conversation's or a task's id)."""
        cell, cells = cell_index(keys, self.by, self._zone())
        n_cells = len(cells)
        ns = all_ns[closed]
        closed_cell = cell[closed]
        pending = np.bincount(cell[~closed], minlength=n_cells)
        groups = sort_within_groups(ns, closed_cell, n_cells)
        counts, starts = groups.counts, groups.starts
        full = np.flatnonzero(counts > 0)
        seconds, rest = np.divmod(groups.values, 1_000_000_000)
        second_sums = np.zeros(n_cells, dtype=np.int64)
        rest_sums = np.zeros(n_cells, dtype=np.int64)
        if full.size:
            second_sums[full] = np.add.reduceat(seconds, starts[full])
            rest_sums[full] = np.add.reduceat(rest, starts[full])
        low, high = groups.minimum(), groups.maximum()
        sketches = _sketches(ns, closed_cell, n_cells)
        slowest = self._slowest(all_ns, keys.time, label, groups, closed, cell, n_cells)
        return {
            key: DurationCell(
                count=int(counts[i]),
                pending=int(pending[i]),
                second_sum=int(second_sums[i]),
                rest_sum=int(rest_sums[i]),
                min_ns=int(low[i]),
                max_ns=int(high[i]),
                sketch=sketches[i],
                slowest=slowest[i],
            )
            for i, key in enumerate(cells)
        }

    def _slowest(
        self,
        all_ns: Int64Array,
        opened: Int64Array,
        label: Callable[[int], str],
        groups: Any,
        closed: Any,
        cell: Int64Array,
        n_cells: int,
    ) -> list[tuple[tuple[int, int, str], ...]]:
        keep = int(self.options["slowest"])
        out: list[list[tuple[int, int, str]]] = [[] for _ in range(n_cells)]
        if keep == 0:
            return [() for _ in range(n_cells)]
        counts, starts = groups.counts, groups.starts
        # Only the items at least as long as their cell's keep-th longest can be kept.
        bound = np.zeros(n_cells, dtype=np.int64)
        full = counts > 0
        position = starts + np.maximum(counts - keep, 0)
        bound[full] = groups.values[position[full]]
        index = np.flatnonzero(closed)
        candidates = index[all_ns[index] >= bound[cell[index]]]
        for i in candidates.tolist():
            out[int(cell[i])].append((int(all_ns[i]), int(opened[i]), label(i)))
        return [_top(tuple(items), keep) for items in out]

    def _merge_cells(self, a: Any, b: Any) -> Any:
        assert isinstance(a, DurationCell)
        assert isinstance(b, DurationCell)
        return a.merge(b, int(self.options["slowest"]))

    def _cell_to_json(self, value: Any) -> Any:
        assert isinstance(value, DurationCell)
        return {
            "count": value.count,
            "pending": value.pending,
            "second_sum": value.second_sum,
            "rest_sum": value.rest_sum,
            "min_ns": value.min_ns,
            "max_ns": value.max_ns,
            "sketch": value.sketch.to_dict(),
            "slowest": [list(item) for item in value.slowest],
        }

    def _cell_from_json(self, value: Any) -> Any:
        return DurationCell(
            count=int(value["count"]),
            pending=int(value["pending"]),
            second_sum=int(value["second_sum"]),
            rest_sum=int(value["rest_sum"]),
            min_ns=int(value["min_ns"]),
            max_ns=int(value["max_ns"]),
            sketch=QuantileSketch.from_dict(value["sketch"]),
            slowest=tuple((int(a), int(b), str(c)) for a, b, c in value["slowest"]),
        )

    def _duration_fields(self, keys: GroupKeys, values: list[Any]) -> dict[str, Any]:
        """The fields of a merged durations summary, from the cells."""

        def column(name: str) -> Int64Array:
            return np.array([getattr(v, name) for v in values], dtype=np.int64)

        sketches = np.empty(len(values), dtype=object)
        sketches[:] = [v.sketch for v in values]
        slow = np.empty(len(values), dtype=object)
        slow[:] = [self._slow_items(v) for v in values]
        return {
            "keys": keys,
            "kept": self.by,
            "count": column("count"),
            "pending": column("pending"),
            "second_sums": column("second_sum"),
            "rest_sums": column("rest_sum"),
            "min_ns": column("min_ns"),
            "max_ns": column("max_ns"),
            "sketches": sketches,
            "slow": slow,
            "kept_slowest": int(self.options["slowest"]),
        }

    def _slow_items(self, value: Any) -> tuple[tuple[Any, ...], ...]:
        slowest: tuple[tuple[Any, ...], ...] = value.slowest
        return slowest

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return DurationSummary(
            **self._duration_fields(keys, values), name=self._name, as_of=self._as_of()
        )


def _sketches(ns: Int64Array, cell: Int64Array, n_cells: int) -> list[QuantileSketch]:
    """One sketch per cell, from every closed duration at once."""
    if n_cells == 0:
        return []
    zeros = np.bincount(cell[ns == 0], minlength=n_cells)
    positive = ns > 0
    keys = sketch_keys(ns[positive], RELATIVE_ACCURACY)
    cells = cell[positive]
    out_keys: list[list[int]] = [[] for _ in range(n_cells)]
    out_counts: list[list[int]] = [[] for _ in range(n_cells)]
    if keys.size:
        low = int(keys.min())
        span = int(keys.max()) - low + 1
        combined = cells * span + (keys - low)
        if n_cells * span <= 4 * combined.shape[0] + 1_000_000:
            tally = np.bincount(combined, minlength=n_cells * span)
            present = np.flatnonzero(tally)
            counts = tally[present]
        else:
            present, counts = np.unique(combined, return_counts=True)
        owner, key = np.divmod(present, span)
        for o, k, c in zip(owner.tolist(), (key + low).tolist(), counts.tolist(), strict=True):
            out_keys[o].append(k)
            out_counts[o].append(c)
    return [
        QuantileSketch(RELATIVE_ACCURACY, int(zeros[i]), tuple(out_keys[i]), tuple(out_counts[i]))
        for i in range(n_cells)
    ]


@attrs.frozen(eq=False, repr=False)
class FirstReplyTimeState(_DurationState):
    """[`first_reply_time`][socialcare_metrics.first_reply_time] as a mergeable state.

    Count, pending, mean, minimum, maximum and the slowest items merge exactly; the median,
    p90 and other percentiles of a merged state are within 1% of the exact ones.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message, first_reply_time
        >>> from socialcare_metrics.states import FirstReplyTimeState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, minutes): return Conversation(cid, [
        ...     Message("q", t0, "customer"),
        ...     Message("a", t0 + timedelta(minutes=minutes), "agent", agent_id="ana")])
        >>> state = FirstReplyTimeState.empty()
        >>> one = state.update([thread("c1", 5), thread("c2", 10)])
        >>> one.result().mean == first_reply_time([thread("c1", 5), thread("c2", 10)]).mean
        True
        >>> merged = one.merge(state.update([thread("c3", 30)]))
        >>> merged.result().mean, merged.result().approximate
        (datetime.timedelta(seconds=900), True)
        >>> [slow.conversation_id for slow in merged.result().slowest(2)]
        ['c3', 'c2']
    """

    _metric: ClassVar[str] = "first_reply_time"
    _name: ClassVar[str] = "first reply time"


@attrs.frozen(eq=False, repr=False)
class ReplyWaitTimeState(_DurationState):
    """[`reply_wait_time`][socialcare_metrics.reply_wait_time] as a mergeable state."""

    _metric: ClassVar[str] = "reply_wait_time"
    _name: ClassVar[str] = "reply wait time"


@attrs.frozen(eq=False, repr=False)
class ResolutionTimeState(_DurationState):
    """[`resolution_time`][socialcare_metrics.resolution_time] as a mergeable state."""

    _metric: ClassVar[str] = "resolution_time"
    _name: ClassVar[str] = "resolution time"


@attrs.frozen(eq=False, repr=False)
class TimeToActionState(_DurationState):
    """[`time_to_action`][socialcare_metrics.time_to_action] as a mergeable state."""

    _metric: ClassVar[str] = "time_to_action"
    _name: ClassVar[str] = "time to action"


# --- tasks ----------------------------------------------------------------------------------------


@attrs.frozen
class TaskCell(DurationCell):
    """A `DurationCell` of tasks (closed: completed, pending: open; the slowest items' label
    is the task id), with the assignee of each slowest task, as (task id, assignee) pairs."""

    assignees: tuple[tuple[str, str], ...] = ()

    def merge(self, other: DurationCell, keep: int) -> TaskCell:
        merged = DurationCell.merge(self, other, keep)
        found = dict(self.assignees + getattr(other, "assignees", ()))
        fields = {f.name: getattr(merged, f.name) for f in attrs.fields(DurationCell)}
        return TaskCell(**fields, assignees=tuple((i, found[i]) for _, _, i in merged.slowest))


@attrs.frozen(eq=False, repr=False)
class TaskPerformanceState(_DurationState):
    """[`task_performance`][socialcare_metrics.task_performance] as a mergeable state: each
    group's assigned, completed and open tasks, and the durations of the completed ones as a
    duration state keeps them. ``by="assignee"`` (or ``"agent"``) keeps assignees.

    Counts, the completion rate, the mean and the maximum merge exactly; the median and the
    other percentiles of a merged state are within 1%. ``slowest(k)`` lists up to ``slowest=``
    tasks (ties: the earlier assigned, then by task id). Task ids must not repeat across the
    slices (the function refuses a repeat within one).

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Task
        >>> from socialcare_metrics.states import TaskPerformanceState
        >>> t0 = datetime(2024, 5, 6, 9, 0, tzinfo=timezone.utc)
        >>> state = TaskPerformanceState.empty(by="assignee")
        >>> ana = state.update([Task("t1", "ana", t0, t0 + timedelta(hours=2)), Task("t2", "ana", t0)])
        >>> bo = state.update([Task("t3", "bo", t0, t0 + timedelta(hours=4))])
        >>> merged = ana.merge(bo).result()
        >>> merged.completion_rate, merged.mean_time_to_complete
        (0.6666666666666666, datetime.timedelta(seconds=10800))
        >>> [(slow.task_id, slow.assignee) for slow in merged.slowest(2)]
        [('t3', 'bo'), ('t1', 'ana')]
        >>> merged.by("assignee")["ana"].open
        1
    """  # noqa: E501

    _metric: ClassVar[str] = "task_performance"
    _allowed_by: ClassVar[tuple[str, ...]] = ("agent", "hour", "day", "week", "month")
    _object_options: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def empty(
        cls,
        *args: Any,
        by: tuple[str, ...] | str = (),
        tz: str | ZoneInfo | None = None,
        **options: Any,
    ) -> Self:
        # A task's agent is its assignee: the state keeps them as agents, by name.
        if isinstance(by, str):
            by = (by,)
        if isinstance(by, tuple | list):
            by = tuple("agent" if k == "assignee" else k for k in by)
        return super().empty(*args, by=by, tz=tz, **options)

    def _empty_data(self) -> Any:
        return []

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:
        keys: GroupKeys = result._keys
        done = result._done()
        all_ns = np.where(done, result._completed_at - result._assigned_at, 0)
        ids = result._ids
        assignee: dict[str, str] = {}

        def label(i: int) -> str:
            task = str(ids[i])
            assignee[task] = keys.agent_names[keys.agent[i]]
            return task

        cells = self._duration_cells(keys, all_ns, done, label)
        return {
            key: TaskCell(
                **{f.name: getattr(cell, f.name) for f in attrs.fields(DurationCell)},
                assignees=tuple((i, assignee[i]) for _, _, i in cell.slowest),
            )
            for key, cell in cells.items()
        }

    def _cell_to_json(self, value: Any) -> Any:
        assert isinstance(value, TaskCell)
        return {**super()._cell_to_json(value), "assignees": [list(a) for a in value.assignees]}

    def _cell_from_json(self, value: Any) -> Any:
        cell = super()._cell_from_json(value)
        return TaskCell(
            **{f.name: getattr(cell, f.name) for f in attrs.fields(DurationCell)},
            assignees=tuple((str(i), str(a)) for i, a in value["assignees"]),
        )

    def _slow_items(self, value: Any) -> tuple[tuple[Any, ...], ...]:
        assert isinstance(value, TaskCell)
        found = dict(value.assignees)
        return tuple((ns, at, i, found[i]) for ns, at, i in value.slowest)

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        return TaskSummary(**self._duration_fields(keys, values))
