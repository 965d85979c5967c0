"""Time-series results: inbound volume per local period, and per hour of the week."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs
import numpy as np

from .._core.extras import require
from .._core.periods import PeriodUnit
from .._core.typing import Int64Array
from ..errors import InvalidParameterError
from ._base import ITEM, Result, Summary
from ._grouping import GroupKeys

if TYPE_CHECKING:
    import pandas

__all__ = ["HourOfWeekResult", "VolumeSeries"]

WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Row labels of the hour-of-week matrix."""


_NS_PER_HOUR: Final = 3_600_000_000_000


_NS_PER_DAY: Final = 24 * _NS_PER_HOUR


class PeriodCounts:
    """What a series of counts per period derives from its `total`, `counts`, `periods`,
    ``unit`` and ``tz``: the function's [`VolumeSeries`][socialcare_metrics.VolumeSeries] and
    a merged state's summary share it."""

    __slots__ = ()

    unit: str
    tz: str
    periods: tuple[datetime, ...]

    @property
    def total(self) -> int:  # pragma: no cover - every series says how it counts
        raise NotImplementedError

    @property
    def counts(self) -> Int64Array:  # pragma: no cover - every series says how it counts
        raise NotImplementedError

    @property
    def count(self) -> int:
        """The count the series is based on (the same as `total`)."""
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
        counts = self.counts
        i = int(np.argmax(counts))
        return self.periods[i], int(counts[i])

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

    def __str__(self) -> str:
        return f"{self.total:,}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} inbound volume per {self.unit} ({self.tz}): "
            f"{self.total:,} messages in {len(self.periods)} periods>"
        )


@attrs.frozen(eq=False, repr=False)
class VolumeSeries(PeriodCounts, Result):
    """Customer messages per period: every period of the range, empty ones as zero.

    ``by("agent")`` (the conversation's assignee) or ``by("channel")`` splits it into one series
    per group over the same periods; the split converts to one row per group (total, mean per
    period, peak) with `Groups.to_pandas()`. The series itself converts to one row per period
    with `to_pandas()`.

    Attributes:
        unit: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone the periods are local to.
        periods: Each period's start, as an aware datetime carrying the local UTC offset.
        starts: Each period's start in epoch ns (UTC).
        ends: Each period's end in epoch ns (UTC): a day across a DST change is 23 or 25 hours.
    """

    _group_keys_accepted: ClassVar[Mapping[str, str]] = {"agent": "agent", "channel": "channel"}

    unit: PeriodUnit
    tz: str
    periods: tuple[datetime, ...]
    starts: Int64Array
    ends: Int64Array
    _period: Int64Array = attrs.field(metadata=ITEM)  # each message's period (into periods)
    _keys: GroupKeys = attrs.field(metadata=ITEM)  # agent: the assignee; channel; time: sent

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        n_periods = len(self.periods)
        total = np.bincount(codes, minlength=n_groups).astype(np.int64)
        mean = total / n_periods if n_periods else np.full(n_groups, np.nan)
        peak_count = np.zeros(n_groups, dtype=np.int64)
        cells = codes * n_periods + self._period  # one (group, period) cell per message
        if cells.shape[0] == 0:
            pass
        elif n_groups * n_periods <= 4 * cells.shape[0] + 65_536:
            # Few cells for the messages: count every one, empty or not.
            grid = np.bincount(cells, minlength=n_groups * n_periods)
            peak_count = grid.reshape(n_groups, n_periods).max(axis=1).astype(np.int64)
        else:
            # Thousands of agents by a hundred thousand hours: count only the cells that have
            # messages (a sort of the messages), not every empty one.
            used, counts = np.unique(cells, return_counts=True)
            group = used // n_periods
            firsts = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
            peak_count[group[firsts]] = np.maximum.reduceat(counts, firsts)
        return {"total": total, "mean": mean, "peak_count": peak_count}

    @property
    def counts(self) -> Int64Array:
        """Messages per period (a read-only int64 array, one per period)."""
        counts = np.bincount(self._period, minlength=len(self.periods)).astype(np.int64)
        counts.flags.writeable = False
        return counts

    @property
    def total(self) -> int:
        """All messages counted: the sum over the periods."""
        return int(self._period.shape[0])

    def to_pandas(self) -> pandas.DataFrame:
        """One row per period: its start (timezone-aware, in `tz`) and its count.

        Needs the ``pandas`` extra.
        """
        pd = require("pandas", "VolumeSeries.to_pandas()")
        start = pd.to_datetime(self.starts, utc=True).tz_convert(self.tz)
        return pd.DataFrame({self.unit: start, "count": self.counts})


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
