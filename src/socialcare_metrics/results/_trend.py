"""A measure per local period beside its change from the previous period: `Trend`.

The content results (quick replies, topics, sentiment) answer "what changed since last week?"
the same way: ``result.trend("week")`` lists every period from the first item's to the last
item's, empty ones included, and for each period the counts, the shares and the change of each
from the period before. A ranking (quick-reply options, topics) has one row per period and
option; sentiment has one row per period.

The change is this period's value minus the previous period's: a count's change in items, a
share's change in points of share (0.05 is five percentage points). The first period has no
previous one, and a share of a period with no items is undefined: their changes are ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.extras import require
from .._core.periods import PeriodUnit, TimeZone, check_period_unit, resolve_timezone
from .._core.typing import FloatArray, Int64Array
from ..errors import InvalidParameterError
from ._base import _zone_name
from ._grouping import GroupKeys
from ._render import aligned_lines, format_cell

if TYPE_CHECKING:
    import pandas

__all__ = ["Trend"]

#: Column kinds: how a column is typed and shown.
#: "count": an int, always defined; "change": an int difference, or None;
#: "share": a fraction in [0, 1], or None; "points": a difference of shares, or None;
#: "number": a float, or None; "signed": a float difference, or None.
_INTEGER_KINDS: Final = frozenset({"count", "change"})


def _tz_name(zone: tzinfo) -> str:
    """An IANA name, ``"UTC"``, or a fixed offset such as ``"+05:45"``."""
    return "UTC" if zone == UTC else _zone_name(zone)


def _format(value: Any, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "share":
        return format_cell(value, "percent")
    if kind == "points":
        return f"{100.0 * value:+.1f} pp"
    if kind == "change":
        return f"{value:+,}"
    if kind == "signed":
        return f"{value:+.1f}"
    if kind == "number":
        return f"{value:.1f}"
    return format_cell(value)


@attrs.frozen(eq=False, repr=False)
class Trend:
    """A measure per local period, with the change from the previous period.

    Rows run through the periods in order, every period from the first item's to the last
    item's (empty ones included). A ranking's trend (quick-reply options, topics) has one row
    per period and option or topic, the most used overall first within each period; a
    sentiment trend has one row per period.

    Each ``<measure>_change`` column is the row's value minus the same option's (or the
    sentiment's) value in the previous period: counts change in items, shares in points of
    share (``0.05`` is five percentage points). It is ``None`` in the first period, and
    wherever either value is undefined (the share of a period with no items).

    Attributes:
        name: What the trend measures, e.g. ``"quick replies"``.
        unit: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone the periods are local to.
        key: The name of the column that says what a row counts (``"option"``,
            ``"topic"``), or ``None`` when there is one row per period.
        periods: Every period's start, in order, as aware datetimes.
    """

    name: str
    unit: PeriodUnit
    tz: str
    key: str | None
    periods: tuple[datetime, ...]
    _period: Int64Array  # per row: index into periods
    _labels: tuple[str | None, ...] | None  # per row, when keyed
    _columns: Mapping[str, npt.NDArray[Any]]  # per row
    _kinds: Mapping[str, str]
    _zone: tzinfo

    def __len__(self) -> int:
        return int(self._period.shape[0])

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names of every row, in order: the period, the key, then the measures."""
        head = (self.unit,) if self.key is None else (self.unit, self.key)
        return head + tuple(self._columns)

    def _value(self, name: str, i: int) -> Any:
        value = self._columns[name][i].item()
        if isinstance(value, float) and math.isnan(value):
            return None
        if self._kinds[name] in _INTEGER_KINDS:
            return int(value)
        return value

    def rows(self) -> list[dict[str, Any]]:
        """Every row as a dict of plain values: the period start (an aware datetime), the key,
        then the measures (``None`` where undefined)."""
        out = []
        for i, period in enumerate(self._period.tolist()):
            row: dict[str, Any] = {self.unit: self.periods[period]}
            if self.key is not None and self._labels is not None:
                row[self.key] = self._labels[i]
            row.update({name: self._value(name, i) for name in self._columns})
            out.append(row)
        return out

    def latest(self) -> list[dict[str, Any]]:
        """The rows of the last period: what changed most recently. Empty without periods."""
        if not self.periods:
            return []
        last = len(self.periods) - 1
        return [row for row, p in zip(self.rows(), self._period.tolist(), strict=True) if p == last]

    def to_dict(self) -> dict[str, Any]:
        """The trend as plain values, JSON-safe: period starts in ISO format."""
        rows = self.rows()
        for row in rows:
            row[self.unit] = row[self.unit].isoformat()
        return {"name": self.name, "unit": self.unit, "tz": self.tz, "key": self.key, "rows": rows}

    def to_pandas(self) -> pandas.DataFrame:
        """One row per row of the trend (needs the ``pandas`` extra).

        The period is a timezone-aware column; undefined values are missing (``<NA>``).
        """
        pd = require("pandas", "Trend.to_pandas()")
        starts = [self.periods[p] for p in self._period.tolist()]
        start = pd.to_datetime(starts, utc=True).tz_convert(self._zone)
        frame: dict[str, Any] = {self.unit: start}
        if self.key is not None and self._labels is not None:
            frame[self.key] = pd.Series(list(self._labels), dtype=object)
        for name, values in self._columns.items():
            missing = np.isnan(values) if values.dtype.kind == "f" else None
            if self._kinds[name] in _INTEGER_KINDS:
                ints = np.nan_to_num(values).astype(np.int64)
                mask = missing if missing is not None else np.zeros(ints.shape[0], dtype=bool)
                frame[name] = pd.arrays.IntegerArray(ints, mask)
            else:
                frame[name] = pd.arrays.FloatingArray(values.astype(np.float64), missing)
        return pd.DataFrame(frame)

    def __str__(self) -> str:
        names = list(self.columns)
        header = [names]
        body = []
        for row in self.rows():
            cells = [format_cell(row[self.unit])]
            if self.key is not None:
                cells.append(format_cell(row[self.key], "key"))
            cells += [_format(row[name], self._kinds[name]) for name in self._columns]
            body.append(cells)
        right = [False] * (2 if self.key is not None else 1) + [True] * len(self._columns)
        return "\n".join(aligned_lines(header + body, right))

    def __repr__(self) -> str:
        return (
            f"<Trend of {self.name} per {self.unit} ({self.tz}): {len(self.periods)} periods, "
            f"{len(self)} rows>"
        )


def period_codes(
    keys: GroupKeys, unit: object, tz: TimeZone | None, function: str
) -> tuple[PeriodUnit, tzinfo, list[datetime], Int64Array]:
    """The periods of ``unit`` over the items and each item's period (-1 for none).

    Checks ``unit`` (parameter ``period``) and ``tz`` with ``function``'s name.
    """
    checked = check_period_unit(unit, function, "period")
    zone = resolve_timezone(tz if tz is not None else keys.default_tz, function)
    labels, codes = keys.codes(checked, zone, function)
    if labels and labels[-1] is None:  # items without a time belong to no period
        codes = np.where(codes == len(labels) - 1, -1, codes)
        labels = labels[:-1]
    periods = [label for label in labels if isinstance(label, datetime)]
    return checked, zone, periods, codes


def check_top(value: object, function: str) -> int | None:
    """``top``: ``None`` (all) or an int >= 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError(function, "top", "an int >= 0 or None", value)
    return value


def _changes(values: FloatArray) -> FloatArray:
    """Along axis 0 (periods): each value minus the previous; NaN in the first period."""
    out = np.full(values.shape, np.nan, dtype=np.float64)
    if values.shape[0] > 1:
        out[1:] = values[1:] - values[:-1]
    return out


def _shares(counts: Int64Array, totals: Int64Array) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio: FloatArray = counts / totals
    ratio[np.broadcast_to(totals == 0, ratio.shape)] = np.nan
    return ratio


def ranking_trend(
    *,
    name: str,
    key: str,
    unit: PeriodUnit,
    zone: tzinfo,
    periods: Sequence[datetime],
    labels: Sequence[str],
    grid: Int64Array,
    totals: Int64Array,
) -> Trend:
    """The trend of a ranking: ``grid[p, k]`` items of option ``k`` (in display order) in
    period ``p``, out of ``totals[p]`` items in that period."""
    n_periods, n_keys = len(periods), len(labels)
    grid = grid.reshape(n_periods, n_keys).astype(np.int64)
    share = _shares(grid, totals.reshape(n_periods, 1).astype(np.int64))
    columns = {
        "count": grid.reshape(-1),
        "share": share.reshape(-1),
        "count_change": _changes(grid.astype(np.float64)).reshape(-1),
        "share_change": _changes(share).reshape(-1),
    }
    kinds = {"count": "count", "share": "share", "count_change": "change", "share_change": "points"}
    return Trend(
        name=name,
        unit=unit,
        tz=_tz_name(zone),
        key=key,
        periods=tuple(periods),
        period=np.repeat(np.arange(n_periods, dtype=np.int64), n_keys),
        labels=tuple(labels) * n_periods,
        columns=columns,
        kinds=kinds,
        zone=zone,
    )


def summary_trend(
    *,
    name: str,
    unit: PeriodUnit,
    zone: tzinfo,
    periods: Sequence[datetime],
    summary: Mapping[str, npt.NDArray[Any]],
    kinds: Mapping[str, str],
    changes: Mapping[str, str],
) -> Trend:
    """The trend of a summary computed per period (one row per period); ``changes`` maps each
    measure whose change is listed to the kind of its change column."""
    columns: dict[str, npt.NDArray[Any]] = dict(summary)
    all_kinds = dict(kinds)
    for measure, kind in changes.items():
        columns[f"{measure}_change"] = _changes(summary[measure].astype(np.float64))
        all_kinds[f"{measure}_change"] = kind
    return Trend(
        name=name,
        unit=unit,
        tz=_tz_name(zone),
        key=None,
        periods=tuple(periods),
        period=np.arange(len(periods), dtype=np.int64),
        labels=None,
        columns=columns,
        kinds=all_kinds,
        zone=zone,
    )
