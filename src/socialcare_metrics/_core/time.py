"""Instants inside the library: int64 ns since the Unix epoch (UTC), and ``NAT`` for none.

int64 nanoseconds hold the instants from 1677-09-21 to 2262-04-11 (UTC); the smallest int64 is
`NAT`. A datetime outside that range cannot be held: `datetime_to_ns` refuses it, and every
boundary (records, columns, parameters) checks with `in_ns_range` first, to name the record,
column or parameter in its own error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import numpy as np

__all__ = ["EARLIEST", "LATEST", "NAT", "NS_RANGE_TEXT"]

#: The "no timestamp" value of an int64 time column (the same bits as numpy's NaT).
NAT: Final = int(np.iinfo(np.int64).min)


#: The smallest and largest instant a time column holds, in epoch ns.
MIN_NS: Final = NAT + 1


MAX_NS: Final = int(np.iinfo(np.int64).max)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def unchecked_ns(value: datetime) -> int:
    """An aware datetime as integer nanoseconds since the epoch, exactly, in or out of range.

    For callers that check the range themselves (the loaders report a row out of range).
    """
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


#: The earliest and the latest datetime (to the microsecond) that int64 nanoseconds hold.
EARLIEST: Final = datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=UTC)


LATEST: Final = datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=UTC)


#: What every error about an out-of-range time says was expected.
NS_RANGE_TEXT: Final = (
    "between 1677-09-21 00:12:43.145225 and 2262-04-11 23:47:16.854775 UTC "
    "(the range of int64 nanoseconds)"
)


class TimeOutOfRangeError(ValueError):
    """A datetime outside the int64 nanosecond range reached `datetime_to_ns`.

    Boundaries check with `in_ns_range` and raise the library's own error naming the record,
    column or parameter; this is what a caller without that check gets instead of numpy's
    OverflowError.
    """

    def __init__(self, value: datetime) -> None:
        self.value = value
        super().__init__(f"{value.isoformat()} is not a time {NS_RANGE_TEXT}")


def in_ns_range(value: datetime) -> bool:
    """Whether an aware datetime fits in an int64 nanosecond time column."""
    return MIN_NS <= unchecked_ns(value) <= MAX_NS


def datetime_to_ns(value: datetime) -> int:
    """An aware datetime as integer nanoseconds since the epoch, exactly.

    Raises `TimeOutOfRangeError` (a ValueError) outside the int64 range.
    """
    ns = unchecked_ns(value)
    if not MIN_NS <= ns <= MAX_NS:
        raise TimeOutOfRangeError(value)
    return ns


def ns_to_datetime(value: int) -> datetime:
    """Integer epoch nanoseconds as an aware UTC datetime (truncated to microseconds)."""
    seconds, ns = divmod(int(value), 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=ns // 1_000)
