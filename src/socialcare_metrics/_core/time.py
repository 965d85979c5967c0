"""Instants inside the library: int64 ns since the Unix epoch (UTC), and ``NAT`` for none."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import numpy as np

__all__ = ["NAT"]

#: The "no timestamp" value of an int64 time column (the same bits as numpy's NaT).
NAT: Final = np.iinfo(np.int64).min


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def datetime_to_ns(value: datetime) -> int:
    """An aware datetime as integer nanoseconds since the epoch, exactly."""
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def ns_to_datetime(value: int) -> datetime:
    """Integer epoch nanoseconds as an aware UTC datetime (truncated to microseconds)."""
    seconds, ns = divmod(int(value), 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=ns // 1_000)
