"""Result types and the human-readable duration format."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import MAX_NS, ns_to_datetime
from .._core.typing import BoolArray, FloatArray, Int64Array
from .._core.validation import check_count, check_number
from .._engine.durations import ns_to_timedelta, timedelta_ns
from .._engine.waits import Waits, as_of_datetime
from ..errors import InvalidParameterError
from ._base import ITEM, Labels, Result, Summary
from ._grouping import GroupKeys
from ._render import format_duration
from ._stats import (
    SortedGroups,
    group_counts,
    mean_us,
    ns_float_to_us,
    round_us,
    sort_whole,
    sort_within_groups,
    us_to_seconds,
)

__all__ = [
    "DURATION_BUCKETS",
    "DurationBucket",
    "DurationDistribution",
    "DurationResult",
    "SlowWait",
    "format_duration",
]

DURATION_BUCKETS: Final[tuple[timedelta, ...]] = (
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=24),
)
"""The default bucket bounds of
[`DurationResult.distribution`][socialcare_metrics.DurationResult.distribution]: 0-1 h, 1-4 h,
4-8 h, 8-24 h and over 24 h."""


def _us_timedelta(micros: int) -> timedelta:
    return timedelta(microseconds=micros)


@attrs.frozen
class SlowWait:
    """One of the slowest waits: which conversation, how long, and when the customer wrote."""

    conversation_id: str
    duration: timedelta
    opened_at: datetime


class DurationStats(Result):
    """What a duration metric derives from its count, mean and percentiles: the function's
    [`DurationResult`][socialcare_metrics.DurationResult] and a merged state's summary share
    it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {
        "mean": "duration",
        "median": "duration",
        "p90": "duration",
        "min": "duration",
        "max": "duration",
    }

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def mean(self) -> timedelta | None:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    def percentile(self, q: float) -> timedelta | None:  # pragma: no cover - every result
        raise NotImplementedError

    @property
    def value(self) -> timedelta | None:
        """The headline value: the mean duration, or ``None`` over no closed item."""
        return self.mean

    @property
    def median(self) -> timedelta | None:
        """The median (the 50th percentile); a merged state's summary estimates it within
        `relative_error`."""
        return self.percentile(50)

    @property
    def p90(self) -> timedelta | None:
        """The 90th percentile; a merged state's summary estimates it within `relative_error`."""
        return self.percentile(90)

    def __str__(self) -> str:
        return format_duration(self.mean)


@attrs.frozen(eq=False, repr=False)
class DurationResult(DurationStats):
    """The summary of a duration metric (first reply time, reply wait time, ...).

    Every statistic is over the closed items (waits that got a reply); pending items are counted
    in `pending`. Over no closed item every statistic is ``None`` and `count` is 0.
    ``str(result)`` is the mean in the articles' whole-unit format (``"7 min"``).

    Durations are measured in exact integer nanoseconds and reported as ``timedelta`` values,
    rounded half up to the microsecond. The mean is exact; percentiles use linear interpolation
    between closest ranks (numpy's default).

    ``by(key)`` splits it: by ``"agent"`` (whose reply closed the wait; a pending item belongs
    to the conversation's assignee), ``"channel"`` (of the message that opened it), or a local
    period (``"hour"``, ``"day"``, ``"week"``, ``"month"``), the period in which the wait opened.
    Periods are local to ``tz=`` if given, else to the time zone of the business calendar the
    metric was measured with, else UTC. Several keys combine: ``by("agent", "day")``.

    `distribution` counts the closed items in duration buckets (by default 0-1 h, 1-4 h,
    4-8 h, 8-24 h and over 24 h).
    """

    name: str
    _ns: Int64Array = attrs.field(metadata=ITEM)  # closed: duration; pending: age at as_of
    _closed: BoolArray = attrs.field(metadata=ITEM)
    _conversation: Labels = attrs.field(metadata=ITEM)
    # agent: who closed it (pending: the conversation's assignee); channel: of the opening
    # message; time: when it opened (the customer wrote), which places it in a period.
    _keys: GroupKeys = attrs.field(metadata=ITEM)
    as_of: datetime | None  # None: no data and no as_of given

    @classmethod
    def _from_waits(
        cls,
        name: str,
        waits: Waits,
        mask: BoolArray | None = None,
        *,
        tz: tzinfo | None = None,
    ) -> DurationResult:
        # Several columns are picked with one mask: find its rows once, then take them from each
        # (one boolean indexing per column would search the mask again every time).
        rows = None if mask is None else np.flatnonzero(mask)

        def pick(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return values if rows is None else values[rows]

        closed = pick(waits.closed)
        conversation = pick(waits.conversation)
        table = waits.table
        assignee = table.assignee[conversation]
        agent = np.where(closed, pick(waits.agent), assignee).astype(np.int32)
        keys = GroupKeys(
            agent=agent,
            agent_names=table.agent_names,
            channel=pick(waits.channel),
            channel_names=table.channel_names,
            time=pick(waits.start),
            default_tz=tz,
        )
        return cls(
            name=name,
            ns=pick(waits.ns),
            closed=closed,
            conversation=Labels(codes=conversation, names=table.conversation_ids),
            keys=keys,
            as_of=as_of_datetime(waits.as_of),
        )

    # --- the numbers ----------------------------------------------------------------------------

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        closed = self._closed
        if n_groups == 1:  # the whole result: every item is in the one group
            groups = self._sorted()
        else:
            groups = sort_within_groups(self._ns[closed], codes[closed], n_groups)
        counts = groups.counts
        full = counts > 0

        def us(values: Int64Array) -> FloatArray:
            return us_to_seconds(values, full)

        return {
            "count": counts,
            "pending": group_counts(codes, n_groups) - counts,
            "mean": us(groups.mean_us()),
            "median": us(ns_float_to_us(groups.percentile(50))),
            "p90": us(ns_float_to_us(groups.percentile(90))),
            "min": us(round_us(groups.minimum())),
            "max": us(round_us(groups.maximum())),
        }

    def _sorted(self) -> SortedGroups:
        return sort_whole(self._ns[self._closed])

    @property
    def approximate(self) -> bool:
        """Whether the percentiles are estimates: never here, they are exact. (A merged state's
        [`DurationSummary`][socialcare_metrics.states.DurationSummary] answers ``True``, so code
        that reads either can ask.)"""
        return False

    @property
    def nanoseconds(self) -> Int64Array:
        """The closed durations in exact integer nanoseconds, in table order (read-only)."""
        out = self._ns[self._closed]
        out.flags.writeable = False
        return out

    @property
    def seconds(self) -> FloatArray:
        """The closed durations in seconds, in table order (a read-only array)."""
        out = self._ns[self._closed] / 1e9
        out.flags.writeable = False
        return out

    @property
    def count(self) -> int:
        """How many closed items the statistics are over."""
        return int(np.count_nonzero(self._closed))

    @property
    def pending(self) -> int:
        """How many items are still open at `as_of`."""
        return int(self._closed.shape[0] - self.count)

    @property
    def pending_ages(self) -> FloatArray:
        """The age in seconds at `as_of` of each pending item."""
        out = self._ns[~self._closed] / 1e9
        out.flags.writeable = False
        return out

    @property
    def mean(self) -> timedelta | None:
        """The arithmetic mean (exact, rounded half up to the microsecond), or ``None``."""
        if not self.count:
            return None
        return _us_timedelta(mean_us(self._ns[self._closed]))

    @property
    def min(self) -> timedelta | None:
        """The shortest duration."""
        closed = self._ns[self._closed]
        return ns_to_timedelta(int(closed.min())) if closed.size else None

    @property
    def max(self) -> timedelta | None:
        """The longest duration."""
        closed = self._ns[self._closed]
        return ns_to_timedelta(int(closed.max())) if closed.size else None

    def percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile, ``q`` in [0, 100]."""
        q = check_number(q, "DurationResult.percentile", "q", low=0, high=100)
        if not self.count:
            return None
        return _us_timedelta(int(ns_float_to_us(self._sorted().percentile(q))[0]))

    def slowest(self, k: int = 5) -> list[SlowWait]:
        """The ``k`` longest closed items, longest first (ties: earlier in the table first)."""
        k = check_count(k, "DurationResult.slowest", "k")
        index = np.flatnonzero(self._closed)
        if k == 0 or index.size == 0:
            return []
        values = self._ns[index]
        if k < values.size:
            # Only the items at least as long as the k-th longest can be among the k longest:
            # a linear partition finds that bound, then a small stable sort orders them.
            kth = np.partition(values, values.size - k)[values.size - k]
            candidates = np.flatnonzero(values >= kth)
            order = candidates[np.argsort(-values[candidates], kind="stable")[:k]]
        else:
            order = np.argsort(-values, kind="stable")
        return [
            SlowWait(
                conversation_id=self._conversation.label(int(i)),
                duration=ns_to_timedelta(int(self._ns[i])),
                opened_at=ns_to_datetime(int(self._keys.time[i])),
            )
            for i in index[order]
        ]

    def distribution(self, bounds: Sequence[timedelta] = DURATION_BUCKETS) -> DurationDistribution:
        """How many closed items fall in each duration bucket, and their shares.

        ``bounds`` ``b1 < b2 < ... < bn`` make n + 1 buckets: ``[0, b1]``, ``(b1, b2]``, ...,
        ``(bn, inf)``. A bucket holds its upper bound, so a reply after exactly one hour is
        "within 1 h", as in an SLA (duration <= target); durations and bounds are compared in
        exact nanoseconds. Pending items are not placed in a bucket (their duration is not known
        yet); `DurationDistribution.pending` counts them. The counts add up to `count`, and over
        at least one item the shares add up to 1; over none every share is ``None``.

        Args:
            bounds: Positive, strictly increasing ``timedelta`` bounds; default
                `DURATION_BUCKETS` (0-1 h, 1-4 h, 4-8 h, 8-24 h, over 24 h).

        Examples:
            >>> from datetime import datetime, timedelta, timezone
            >>> from socialcare_metrics import Conversation, Message, first_reply_time
            >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
            >>> def thread(cid, hours):
            ...     return Conversation(cid, [
            ...         Message("q", t0, "customer"),
            ...         Message("a", t0 + timedelta(hours=hours), "agent", agent_id="ana"),
            ...     ])
            >>> result = first_reply_time([thread("c1", 0.5), thread("c2", 1), thread("c3", 30)])
            >>> print(result.distribution())
            0-1 h      2  66.7%
            1-4 h      0   0.0%
            4-8 h      0   0.0%
            8-24 h     0   0.0%
            over 24 h  1  33.3%
        """
        function = "DurationResult.distribution"
        limits = _check_bounds(bounds, function)
        limits_ns = np.array([timedelta_ns(limit) for limit in limits], dtype=np.int64)
        closed = self._ns[self._closed]
        # side="left": a duration equal to a bound goes into the bucket that bound closes.
        counts = np.bincount(
            np.searchsorted(limits_ns, closed, side="left"), minlength=len(limits) + 1
        )
        total = int(closed.shape[0])
        unit = _label_unit(limits)
        lows: list[timedelta] = [timedelta(0), *limits]
        highs: list[timedelta | None] = [*limits, None]
        buckets = tuple(
            DurationBucket(
                label=_bucket_label(low, high, unit),
                low=low,
                high=high,
                count=int(n),
                share=int(n) / total if total else None,
            )
            for low, high, n in zip(lows, highs, counts.tolist(), strict=True)
        )
        return DurationDistribution(name=self.name, buckets=buckets, pending=self.pending)

    # --- output -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain Python values (durations in seconds, ``None`` if undefined).

        Keys: ``name``, ``count``, ``pending``, ``mean``, ``median``, ``p90``, ``min``, ``max``
        and ``as_of`` (ISO 8601, or ``None``).
        """
        return {
            "name": self.name,
            **self.summary_row(),
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }

    def __repr__(self) -> str:
        return (
            f"<DurationResult {self.name}: mean {format_duration(self.mean)}, "
            f"median {format_duration(self.median)}, count {self.count:,}, "
            f"pending {self.pending:,}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{label}</th><td>{value}</td></tr>"
            for label, value in (
                ("count", f"{self.count:,}"),
                ("pending", f"{self.pending:,}"),
                ("mean", format_duration(self.mean)),
                ("median", format_duration(self.median)),
                ("p90", format_duration(self.p90)),
                ("min", format_duration(self.min)),
                ("max", format_duration(self.max)),
            )
        )
        return f"<table><caption>{self.name}</caption>{rows}</table>"


# --- distributions ----------------------------------------------------------------------------

_LABEL_UNITS: Final = (("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000))


def _micros(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _check_bounds(bounds: object, function: str) -> tuple[timedelta, ...]:
    expected = (
        "a non-empty sequence of positive timedeltas, strictly increasing, each shorter than "
        "292 years (what int64 nanoseconds hold)"
    )
    if isinstance(bounds, str | bytes) or not isinstance(bounds, Sequence):
        raise InvalidParameterError(function, "bounds", expected, bounds)
    limits = tuple(bounds)
    if not limits or not all(isinstance(limit, timedelta) for limit in limits):
        raise InvalidParameterError(function, "bounds", expected, bounds)
    if limits[0] <= timedelta(0) or any(a >= b for a, b in itertools.pairwise(limits)):
        raise InvalidParameterError(function, "bounds", expected, bounds)
    if timedelta_ns(limits[-1]) > MAX_NS:
        raise InvalidParameterError(function, "bounds", expected, bounds)
    return limits


def _label_unit(limits: tuple[timedelta, ...]) -> tuple[str, int]:
    """The largest unit every bound is a whole number of (seconds if none is)."""
    for unit in _LABEL_UNITS:
        if all(_micros(limit) % unit[1] == 0 for limit in limits):
            return unit
    return ("s", 1_000_000)


def _amount(value: timedelta, unit: tuple[str, int]) -> str:
    whole, rest = divmod(_micros(value), unit[1])
    return str(whole) if rest == 0 else f"{_micros(value) / unit[1]:g}"


def _bucket_label(low: timedelta, high: timedelta | None, unit: tuple[str, int]) -> str:
    if high is None:
        return f"over {_amount(low, unit)} {unit[0]}"
    return f"{_amount(low, unit)}-{_amount(high, unit)} {unit[0]}"


@attrs.frozen
class DurationBucket:
    """One bucket of a [`DurationDistribution`][socialcare_metrics.DurationDistribution]: the items
    with ``low < duration <= high``.

    The first bucket also holds a duration of 0; the last has no upper bound (``high`` is
    ``None``). ``share`` is ``count`` over all closed items, ``None`` when there are none.
    """

    label: str
    low: timedelta
    high: timedelta | None
    count: int
    share: float | None


@attrs.frozen(repr=False)
class DurationDistribution:
    """Closed items counted in duration buckets, from
    [`DurationResult.distribution`][socialcare_metrics.DurationResult.distribution].

    Iterating gives the buckets in order; ``distribution["1-4 h"]`` looks one up by label.
    """

    name: str
    buckets: tuple[DurationBucket, ...]
    pending: int

    @property
    def count(self) -> int:
        """How many closed items were placed in buckets: the sum of the bucket counts."""
        return sum(bucket.count for bucket in self.buckets)

    def __iter__(self) -> Iterator[DurationBucket]:
        return iter(self.buckets)

    def __len__(self) -> int:
        return len(self.buckets)

    def __getitem__(self, label: str) -> DurationBucket:
        for bucket in self.buckets:
            if bucket.label == label:
                return bucket
        raise InvalidParameterError(
            "DurationDistribution.__getitem__",
            "label",
            "one of " + ", ".join(repr(b.label) for b in self.buckets),
            label,
        )

    def to_dict(self) -> dict[str, Any]:
        """The distribution as plain Python values (bounds in seconds, ``None`` if open)."""
        return {
            "name": self.name,
            "count": self.count,
            "pending": self.pending,
            "buckets": [
                {
                    "label": bucket.label,
                    "low": bucket.low.total_seconds(),
                    "high": None if bucket.high is None else bucket.high.total_seconds(),
                    "count": bucket.count,
                    "share": bucket.share,
                }
                for bucket in self.buckets
            ],
        }

    def __str__(self) -> str:
        width = max(len(bucket.label) for bucket in self.buckets)
        digits = max(len(f"{bucket.count:,}") for bucket in self.buckets)
        return "\n".join(
            f"{bucket.label:<{width}}  {bucket.count:>{digits},}  "
            + ("   n/a" if bucket.share is None else f"{bucket.share:>6.1%}")
            for bucket in self.buckets
        )

    def __repr__(self) -> str:
        parts = ", ".join(f"{bucket.label}: {bucket.count:,}" for bucket in self.buckets)
        return f"<DurationDistribution {self.name}: {parts}; pending {self.pending:,}>"
