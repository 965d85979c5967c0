"""Time-series results: inbound volume per local period, and per hour of the week."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .._core.periods import PeriodUnit
from .._core.typing import Int64Array
from ..errors import InvalidParameterError

__all__ = ["HourOfWeekResult", "VolumeSeries"]

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Row labels of the hour-of-week matrix."""


_NS_PER_HOUR: Final = 3_600_000_000_000


_NS_PER_DAY: Final = 24 * _NS_PER_HOUR


def _read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.flags.writeable = False
    return array


@attrs.frozen(eq=False, repr=False)
class VolumeSeries:
    """Customer messages per period: every period of the range, empty ones as zero.

    Attributes:
        unit: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone the periods are local to.
        periods: Each period's start, as an aware datetime carrying the local UTC offset.
        counts: Messages per period (a read-only int64 array, one per period).
        starts: Each period's start in epoch ns (UTC).
        ends: Each period's end in epoch ns (UTC): a day across a DST change is 23 or 25 hours.
    """

    unit: PeriodUnit
    tz: str
    periods: tuple[datetime, ...]
    counts: Int64Array
    starts: Int64Array
    ends: Int64Array
    _groups: dict[str, dict[str | None, Int64Array]]

    @property
    def total(self) -> int:
        """All messages counted: the sum over the periods."""
        return int(self.counts.sum())

    @property
    def count(self) -> int:
        """The count the series is based on (the same as
        [`total`][socialcare_metrics.VolumeSeries.total])."""
        return self.total

    @property
    def value(self) -> int:
        """The headline value: the total count over every period."""
        return self.total

    @property
    def mean(self) -> float | None:
        """Average messages per period, or ``None`` over no period."""
        return self.total / len(self.periods) if self.periods else None

    @property
    def peak(self) -> tuple[datetime, int] | None:
        """The busiest period (the earliest, on a tie) and its count; ``None`` over no period."""
        if not self.periods:
            return None
        i = int(np.argmax(self.counts))
        return self.periods[i], int(self.counts[i])

    def by(self, key: Literal["agent", "channel"]) -> dict[str | None, VolumeSeries]:
        """One series per agent (the conversation's assignee) or channel, over the same periods.

        Named groups that have messages come first, sorted, then ``None`` for messages without
        one.
        """
        if key not in ("agent", "channel"):
            raise InvalidParameterError("by", "key", "'agent' or 'channel'", key)
        return {
            name: attrs.evolve(self, counts=counts, groups={})
            for name, counts in self._groups[key].items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The series as plain Python values: ISO period starts and their counts."""
        return {
            "name": "inbound volume",
            "unit": self.unit,
            "tz": self.tz,
            "total": self.total,
            "periods": [p.isoformat() for p in self.periods],
            "counts": self.counts.tolist(),
        }

    def __len__(self) -> int:
        return len(self.periods)

    def __repr__(self) -> str:
        return (
            f"<VolumeSeries inbound volume per {self.unit} ({self.tz}): {self.total:,} messages "
            f"in {len(self.periods)} periods>"
        )


@attrs.frozen(eq=False, repr=False)
class HourOfWeekResult:
    """Customer messages by local weekday and hour: a 7 x 24 matrix, Monday first.

    ``matrix[d, h]`` counts the messages sent on weekday ``d`` (0 Monday .. 6 Sunday) during
    local hour ``h`` (wall clock: the repeated hour of a fall-back night counts in its cell
    twice over, the skipped hour of a spring-forward night is empty that week).
    """

    tz: str
    matrix: Int64Array

    @property
    def total(self) -> int:
        """All messages counted."""
        return int(self.matrix.sum())

    @property
    def count(self) -> int:
        """The count the matrix is based on (the same as
        [`total`][socialcare_metrics.HourOfWeekResult.total])."""
        return self.total

    @property
    def value(self) -> int:
        """The headline value: the total count."""
        return self.total

    def busiest(self, k: int = 5) -> list[tuple[str, int, int]]:
        """The ``k`` busiest cells as ``(weekday name, hour, count)``, busiest first.

        Ties keep week order (Monday 00:00 first); empty cells are left out.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise InvalidParameterError("busiest", "k", "an int >= 0", k)
        flat = self.matrix.ravel()
        order = np.argsort(-flat, kind="stable")[:k]
        return [(WEEKDAYS[int(i) // 24], int(i) % 24, int(flat[i])) for i in order if flat[i] > 0]

    def to_dict(self) -> dict[str, Any]:
        """The matrix as nested lists, with its row labels."""
        return {
            "name": "hour of week",
            "tz": self.tz,
            "total": self.total,
            "weekdays": list(WEEKDAYS),
            "matrix": self.matrix.tolist(),
        }

    def __repr__(self) -> str:
        return f"<HourOfWeekResult ({self.tz}): {self.total:,} messages>"
