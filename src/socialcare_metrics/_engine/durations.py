"""What every duration metric shares: the calendar check, pending items aged to ``as_of``, and
the one exact measure, wall-clock or business nanoseconds between two instants."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import numpy as np
import numpy.typing as npt

from .._core.time import ns_to_datetime
from .._core.typing import Int64Array
from ..calendar import BusinessCalendar
from ..errors import InvalidDataError, InvalidParameterError

__all__ = ["check_calendar", "end_or_as_of", "measure", "ns_to_timedelta", "timedelta_ns"]


def check_calendar(calendar: object, function: str) -> None:
    """``calendar`` must be a BusinessCalendar or None."""
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise InvalidParameterError(function, "calendar", "a BusinessCalendar or None", calendar)


def end_or_as_of(
    start: Int64Array,
    end: Int64Array,
    closed: npt.NDArray[np.bool_],
    as_of: int,
    function: str,
    what: str,
) -> Int64Array:
    """``end`` where an item closed, ``as_of`` where it is pending.

    Raises ``InvalidParameterError`` naming ``as_of`` when a pending item started after it: its
    age would be negative.
    """
    pending = ~closed
    if pending.any():
        late = int(np.max(start, where=pending, initial=np.iinfo(np.int64).min))
        if late > as_of:
            raise InvalidParameterError(
                function,
                "as_of",
                f"a time at or after every pending {what} (the latest started at "
                f"{ns_to_datetime(late).isoformat()})",
                ns_to_datetime(as_of),
            )
    return np.where(closed, end, as_of).astype(np.int64, copy=False)


_NS_PER_US: Final = 1_000


_INT64_MAX: Final = int(np.iinfo(np.int64).max)


def timedelta_ns(value: timedelta) -> int:
    """A timedelta as integer nanoseconds, exactly."""
    return ((value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds) * _NS_PER_US


def ns_to_timedelta(value: int) -> timedelta:
    """Integer nanoseconds as a timedelta, rounded half up to the microsecond (exact integers)."""
    micros, rest = divmod(int(value), _NS_PER_US)
    if 2 * rest >= _NS_PER_US:
        micros += 1
    return timedelta(microseconds=micros)


def measure(
    start: Int64Array, end: Int64Array, calendar: BusinessCalendar | None, function: str
) -> Int64Array:
    """Exact nanoseconds from ``start`` to ``end``: wall-clock, or open time in ``calendar``.

    The one duration measure under every metric: integer nanoseconds, never float seconds, so a
    duration equal to a target or a bucket bound compares equal at any scale. Every ``end`` is
    at or after its ``start``.

    Raises ``InvalidDataError`` naming ``function`` when a span is longer than int64
    nanoseconds hold (292 years: a message and its reply in 1700 and 2100).
    """
    if calendar is None:
        ns = np.subtract(end, start, dtype=np.int64)
        # No span is negative, so a negative difference is one that wrapped round.
        if ns.shape[0] and int(ns.min()) < 0:
            i = int(np.flatnonzero((ns < 0) & (end >= start))[0])
            raise InvalidDataError(
                function,
                None,
                None,
                "spans of at most 292 years (what int64 nanoseconds hold) from a message to "
                "its reply, resolution or as_of",
                f"{ns_to_datetime(int(start[i])).isoformat()} to "
                f"{ns_to_datetime(int(end[i])).isoformat()}",
            )
        return ns
    return np.asarray(calendar.business_nanoseconds(start, end), dtype=np.int64)
