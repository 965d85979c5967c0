"""Result types and the human-readable duration format."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Self

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import InvalidParameterError
from ._grouping import Grouped, GroupKeys
from ._table import MessageTable, ns_to_datetime
from ._waits import Waits

__all__ = ["DurationResult", "SlowWait", "format_duration"]


def format_duration(value: timedelta | float | None) -> str:
    """Format a duration for people, truncated to whole units as the source articles do.

    Under a minute it shows whole seconds; from a minute up it shows days, hours and minutes,
    leaving out zero parts, and truncates the rest: 7 minutes 30 seconds is ``"7 min"``, the
    articles' "average reply wait time is 7 minutes". ``None`` (an undefined metric) is
    ``"n/a"``.

    Args:
        value: A ``timedelta``, a number of seconds, or ``None``.

    Example:
        >>> from datetime import timedelta
        >>> format_duration(timedelta(minutes=7, seconds=30))
        '7 min'
        >>> format_duration(45.9), format_duration(3600 * 26 + 61), format_duration(None)
        ('45 s', '1 d 2 h 1 min', 'n/a')
    """
    if value is None:
        return "n/a"
    if isinstance(value, timedelta):
        # Whole microseconds as an int: exact, where total_seconds() would round.
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        sign, micros = ("-", -micros) if micros < 0 else ("", micros)
        whole_seconds = micros // 1_000_000
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise InvalidParameterError("format_duration", "value", "a finite duration", value)
        sign, magnitude = ("-", -value) if value < 0 else ("", value)
        whole_seconds = math.floor(magnitude)
    else:
        raise InvalidParameterError(
            "format_duration", "value", "a timedelta, a number of seconds or None", value
        )
    if whole_seconds < 60:
        return f"{sign}{whole_seconds} s"
    minutes = whole_seconds // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return sign + " ".join(parts)


def _timedelta(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=float(seconds))


@attrs.frozen
class SlowWait:
    """One of the slowest waits: which conversation, how long, and when the customer wrote."""

    conversation_id: str
    duration: timedelta
    opened_at: datetime


@attrs.frozen(eq=False, repr=False)
class DurationResult(Grouped):
    """The summary of a duration metric (first reply time, reply wait time, ...).

    Every statistic is over the closed items (waits that got a reply); pending items are counted
    in :attr:`pending`. Over no closed item every statistic is ``None`` and :attr:`count` is 0.
    ``str(result)`` is the mean in the articles' whole-unit format (``"7 min"``).

    Percentiles use linear interpolation between closest ranks (numpy's default).

    ``by(key)`` splits it: by ``"agent"`` (whose reply closed the wait; a pending item belongs
    to the conversation's assignee), ``"channel"`` (of the message that opened it), or a local
    period (``"hour"``, ``"day"``, ``"week"``, ``"month"``, with ``tz=``), the period in which the
    wait opened.
    """

    name: str
    _table: MessageTable
    _seconds: npt.NDArray[np.float64]  # one per item (closed: duration; pending: age)
    _closed: npt.NDArray[np.bool_]
    _conversation: npt.NDArray[np.int64]
    # agent: who closed it (pending: the conversation's assignee); channel: of the opening
    # message; time: when it opened (the customer wrote), which places it in a period.
    _keys: GroupKeys
    as_of: datetime

    @classmethod
    def _from_waits(
        cls, name: str, waits: Waits, mask: npt.NDArray[np.bool_] | None = None
    ) -> DurationResult:
        def pick(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return values if mask is None else values[mask]

        closed = pick(waits.closed)
        conversation = pick(waits.conversation)
        assignee = waits.table.assignee[conversation]
        agent = np.where(closed, pick(waits.agent), assignee).astype(np.int32)
        table = waits.table
        keys = GroupKeys(
            agent=agent,
            agent_names=table.agent_names,
            channel=pick(waits.channel),
            channel_names=table.channel_names,
            time=pick(waits.start),
        )
        return cls(
            name=name,
            table=table,
            seconds=pick(waits.seconds),
            closed=closed,
            conversation=conversation,
            keys=keys,
            as_of=ns_to_datetime(waits.as_of),
        )

    def _group_keys(self) -> GroupKeys:
        return self._keys

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(
            self,
            seconds=self._seconds[index],
            closed=self._closed[index],
            conversation=self._conversation[index],
            keys=self._keys.subset(index),
        )

    # --- the numbers ----------------------------------------------------------------------------

    @property
    def seconds(self) -> npt.NDArray[np.float64]:
        """The closed durations in seconds, in table order (a read-only array)."""
        out = self._seconds[self._closed]
        out.flags.writeable = False
        return out

    @property
    def count(self) -> int:
        """How many closed items the statistics are over."""
        return int(np.count_nonzero(self._closed))

    @property
    def pending(self) -> int:
        """How many items are still open at :attr:`as_of`."""
        return int(self._closed.shape[0] - self.count)

    @property
    def pending_ages(self) -> npt.NDArray[np.float64]:
        """The age in seconds at :attr:`as_of` of each pending item."""
        out = self._seconds[~self._closed]
        out.flags.writeable = False
        return out

    def _stat(self, reduce: Callable[[npt.NDArray[np.float64]], Any]) -> timedelta | None:
        values = self._seconds[self._closed]
        return _timedelta(float(reduce(values))) if values.size else None

    @property
    def mean(self) -> timedelta | None:
        """The arithmetic mean, or ``None`` over nothing."""
        return self._stat(np.mean)

    @property
    def median(self) -> timedelta | None:
        """The median (the 50th percentile)."""
        return self.percentile(50)

    @property
    def p90(self) -> timedelta | None:
        """The 90th percentile."""
        return self.percentile(90)

    @property
    def min(self) -> timedelta | None:
        """The shortest duration."""
        return self._stat(np.min)

    @property
    def max(self) -> timedelta | None:
        """The longest duration."""
        return self._stat(np.max)

    def percentile(self, q: float) -> timedelta | None:
        """The ``q``-th percentile, ``q`` in [0, 100]."""
        if (
            isinstance(q, bool)
            or not isinstance(q, int | float)
            or not math.isfinite(q)
            or not 0 <= q <= 100
        ):
            raise InvalidParameterError("DurationResult.percentile", "q", "a number in [0, 100]", q)
        return self._stat(lambda values: np.percentile(values, q))

    def slowest(self, k: int = 5) -> list[SlowWait]:
        """The ``k`` longest closed items, longest first (ties: earlier in the table first)."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise InvalidParameterError("DurationResult.slowest", "k", "an int >= 0", k)
        index = np.flatnonzero(self._closed)
        if k == 0 or index.size == 0:
            return []
        values = self._seconds[index]
        order = np.argsort(-values, kind="stable")[:k]
        return [
            SlowWait(
                conversation_id=self._table.conversation_label(int(self._conversation[i])),
                duration=timedelta(seconds=float(self._seconds[i])),
                opened_at=ns_to_datetime(int(self._keys.time[i])),
            )
            for i in index[order]
        ]

    # --- output -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain Python values (durations in seconds, ``None`` if undefined)."""

        def secs(value: timedelta | None) -> float | None:
            return None if value is None else value.total_seconds()

        return {
            "name": self.name,
            "count": self.count,
            "pending": self.pending,
            "mean": secs(self.mean),
            "median": secs(self.median),
            "p90": secs(self.p90),
            "min": secs(self.min),
            "max": secs(self.max),
            "as_of": self.as_of.isoformat(),
        }

    def __str__(self) -> str:
        return format_duration(self.mean)

    def __repr__(self) -> str:
        return (
            f"<DurationResult {self.name}: mean {format_duration(self.mean)}, "
            f"median {format_duration(self.median)}, count {self.count}, "
            f"pending {self.pending}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{label}</th><td>{value}</td></tr>"
            for label, value in (
                ("count", self.count),
                ("pending", self.pending),
                ("mean", format_duration(self.mean)),
                ("median", format_duration(self.median)),
                ("p90", format_duration(self.p90)),
                ("min", format_duration(self.min)),
                ("max", format_duration(self.max)),
            )
        )
        return f"<table><caption>{self.name}</caption>{rows}</table>"
