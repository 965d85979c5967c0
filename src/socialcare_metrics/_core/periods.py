"""Local calendar periods: bucket UTC instants into hours, days, ISO weeks or months of a time zone.

Every grouping "by period" in the library goes through here, so that all metrics agree on what a
day is. Periods are local wall-clock periods: a day starts at local midnight, so a day across a
DST change lasts 23 or 25 hours; a week starts on Monday (ISO); a month on the 1st.

An hour is a real hour of wall-clock time: on a fall-back night the repeated hour (02:00 to 03:00
twice in Europe/Berlin) is two periods, told apart by their UTC offset, and on a spring-forward
night the skipped hour is no period at all, so such a day has 25 or 23 hour periods.

The work is vectorised: the zone's UTC offset is piecewise constant, so the few offset changes in
the data's span are found once (by sampling the zone and bisecting to the second) and every
instant's offset is then a ``searchsorted`` into that short list.

A period is named by its start, as an aware ``datetime`` whose tzinfo is the fixed UTC offset in
force at that moment (``2024-10-27 02:00+02:00`` and ``2024-10-27 02:00+01:00`` are two hours).
Such a datetime equals, and hashes like, any aware datetime naming the same instant, so a caller
can look a period up with ``datetime(2024, 5, 1, tzinfo=ZoneInfo("Europe/Berlin"))``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final, Literal, TypeAlias, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np
import numpy.typing as npt

from .._core.typing import Int64Array
from ..errors import InvalidParameterError

__all__ = [
    "PERIOD_UNITS",
    "PeriodIndex",
    "PeriodUnit",
    "TimeZone",
    "bucket_instants",
    "check_period_unit",
    "offsets_at",
    "resolve_timezone",
    "to_local_ns",
]

PeriodUnit: TypeAlias = Literal["hour", "day", "week", "month"]


#: The period units, shortest first.
PERIOD_UNITS: Final[tuple[PeriodUnit, ...]] = get_args(PeriodUnit)


#: What a caller may pass as a time zone: an IANA name, a ``ZoneInfo`` or a fixed ``timezone``.
TimeZone: TypeAlias = str | tzinfo


_NS: Final = 1_000_000_000


_NS_PER_HOUR: Final = 3_600 * _NS


_NS_PER_DAY: Final = 86_400 * _NS


# Offsets are sampled this often, then bisected to the second; tzdb never changes a zone's
# offset twice within six hours.
_SAMPLE_S: Final = 6 * 3_600


# 1970-01-01 was a Thursday: day d lies in the Monday-start week (d + 3) // 7.
_WEEK_SHIFT: Final = 3


_MARGIN_S: Final = 40 * 86_400


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def resolve_timezone(value: TimeZone | None, function: str, parameter: str = "tz") -> tzinfo:
    """A caller's time zone as a tzinfo; ``None`` is UTC.

    Accepts an IANA name (``"Europe/Berlin"``), a `zoneinfo.ZoneInfo` or a fixed-offset
    `datetime.timezone`. Other tzinfo classes are refused: their offsets cannot be trusted
    to be a function of the instant alone.
    """
    if value is None:
        return UTC
    if isinstance(value, str):
        if not value:
            raise InvalidParameterError(function, parameter, "an IANA time zone name", value)
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidParameterError(
                function, parameter, "an IANA time zone name such as 'Europe/Berlin'", value
            ) from None
    if isinstance(value, ZoneInfo | timezone):
        return value
    raise InvalidParameterError(
        function, parameter, "an IANA time zone name, a ZoneInfo or a datetime.timezone", value
    )


def check_period_unit(value: object, function: str, parameter: str = "period") -> PeriodUnit:
    """Validate a period unit name."""
    for unit in PERIOD_UNITS:
        if value == unit and isinstance(value, str):
            return unit
    raise InvalidParameterError(function, parameter, "one of 'hour', 'day', 'week', 'month'", value)


def _offset_s(tz: tzinfo, second: int) -> int:
    """The UTC offset in whole seconds in force at the instant ``second`` (epoch seconds)."""
    offset = (_EPOCH + timedelta(seconds=second)).astimezone(tz).utcoffset()
    assert offset is not None  # resolve_timezone only lets aware zones through
    return int(offset.total_seconds())


@attrs.frozen(eq=False)
class _Offsets:
    """A zone's UTC offset over a span: ``offset_ns[i]`` holds from ``change_ns[i - 1]`` on.

    ``change_ns`` is sorted; before its first entry ``offset_ns[0]`` holds, after its last entry
    ``offset_ns[-1]``. Outside the span it was built for, the nearest known offset is assumed.
    """

    change_ns: Int64Array
    offset_ns: Int64Array

    def at(self, instants: Int64Array) -> Int64Array:
        if self.change_ns.shape[0] == 0:
            return np.full(instants.shape[0], self.offset_ns[0], dtype=np.int64)
        return self.offset_ns[np.searchsorted(self.change_ns, instants, side="right")]


def _offsets(tz: tzinfo, lo_ns: int, hi_ns: int) -> _Offsets:
    """Find every change of ``tz``'s UTC offset between ``lo_ns`` and ``hi_ns``, to the second."""
    if isinstance(tz, timezone):
        fixed = tz.utcoffset(None)
        return _Offsets(
            change_ns=np.zeros(0, dtype=np.int64),
            offset_ns=np.array([int(fixed.total_seconds()) * _NS], dtype=np.int64),
        )
    # The margin covers the start of the month holding the first instant and the end of the
    # month holding the last, which is where period bounds are looked up.
    lo_s = lo_ns // _NS - _MARGIN_S
    hi_s = -(-hi_ns // _NS) + _MARGIN_S
    samples = list(range(lo_s - lo_s % _SAMPLE_S, hi_s + _SAMPLE_S, _SAMPLE_S))
    values = [_offset_s(tz, s) for s in samples]
    changes: list[int] = []
    offsets = [values[0]]
    for i in range(1, len(samples)):
        if values[i] == values[i - 1]:
            continue
        # Bisect: the first second in (samples[i-1], samples[i]] with the new offset.
        before, after = samples[i - 1], samples[i]
        while after - before > 1:
            middle = (before + after) // 2
            if _offset_s(tz, middle) == values[i - 1]:
                before = middle
            else:
                after = middle
        changes.append(after * _NS)
        offsets.append(values[i])
    return _Offsets(
        change_ns=np.asarray(changes, dtype=np.int64),
        offset_ns=np.asarray(offsets, dtype=np.int64) * _NS,
    )


def offsets_at(instants_ns: Int64Array, tz: tzinfo) -> Int64Array:
    """The UTC offset in ns in force in ``tz`` at each instant."""
    instants = np.asarray(instants_ns, dtype=np.int64)
    if instants.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return _offsets(tz, int(instants.min()), int(instants.max())).at(instants)


def to_local_ns(instants_ns: Int64Array, tz: tzinfo) -> Int64Array:
    """Local wall-clock time of each instant, as ns since the local 1970-01-01 00:00.

    ``local // day`` is then the local date's day number, ``local % day`` the time of day.
    """
    instants = np.asarray(instants_ns, dtype=np.int64)
    return instants + offsets_at(instants, tz)


@attrs.frozen(eq=False)
class PeriodIndex:
    """The periods that cover a span, every one present, and the period of each instant.

    Attributes:
        unit: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The zone the periods are local to.
        starts: Epoch ns (UTC) of each period's start, increasing, with no gaps between periods.
        ends: Epoch ns of each period's end: the next period's start.
        codes: For each instant given, the index of its period in ``starts``; -1 for an instant
            outside the range (possible only when an explicit range was given).
    """

    unit: PeriodUnit
    tz: tzinfo
    starts: Int64Array
    ends: Int64Array
    codes: Int64Array
    _offset_ns: Int64Array  # UTC offset in force at each period's start

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    def labels(self) -> list[datetime]:
        """Each period's start as an aware datetime carrying the local UTC offset at that time."""
        zones: dict[int, timezone] = {}
        out: list[datetime] = []
        for start, offset in zip(self.starts.tolist(), self._offset_ns.tolist(), strict=True):
            zone = zones.get(offset)
            if zone is None:
                zone = zones[offset] = timezone(timedelta(microseconds=offset // 1_000))
            seconds, ns = divmod(start, _NS)
            moment = _EPOCH + timedelta(seconds=seconds, microseconds=ns // 1_000)
            out.append(moment.astimezone(zone))
        return out

    def counts(self, weights: npt.NDArray[np.bool_] | None = None) -> Int64Array:
        """How many instants (or how many with ``weights`` true) fall in each period."""
        inside = self.codes >= 0
        codes = self.codes[inside] if weights is None else self.codes[inside & weights]
        return np.bincount(codes, minlength=len(self)).astype(np.int64)


def _unit_number(local_ns: Int64Array, unit: PeriodUnit) -> Int64Array:
    """The local period number of each local wall-clock time (for day, week and month)."""
    days = local_ns // _NS_PER_DAY
    if unit == "day":
        return days
    if unit == "week":
        return (days + _WEEK_SHIFT) // 7
    months: Int64Array = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months


def _unit_local_start(numbers: Int64Array, unit: PeriodUnit) -> Int64Array:
    """The local wall-clock start (ns) of each period number (for day, week and month)."""
    if unit == "day":
        days = numbers
    elif unit == "week":
        days = numbers * 7 - _WEEK_SHIFT
    else:
        days = numbers.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days * _NS_PER_DAY


def _first_instant_at_or_after(local: Int64Array, offsets: _Offsets) -> Int64Array:
    """The first UTC instant whose local wall-clock time is at or after each ``local`` value.

    A local midnight that occurs twice resolves to its first occurrence; one that does not exist
    (a zone that springs forward at midnight) moves forward by the gap, to the moment of change.
    """
    seg_start = np.concatenate([[np.iinfo(np.int64).min], offsets.change_ns])
    seg_end = np.concatenate([offsets.change_ns, [np.iinfo(np.int64).max]])
    # Within a segment of constant offset o, local time t + o rises with t: its first instant at
    # or after L is max(segment start, L - o), if that is still inside the segment.
    candidate = np.maximum(seg_start[None, :], local[:, None] - offsets.offset_ns[None, :])
    candidate = np.where(candidate < seg_end[None, :], candidate, np.iinfo(np.int64).max)
    first: Int64Array = candidate.min(axis=1)
    return first


def _calendar_periods(
    instants: Int64Array, unit: PeriodUnit, offsets: _Offsets, lo: int, hi: int
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Day, week or month periods covering [lo, hi]: starts, ends and each instant's code."""
    span_numbers = _unit_number(
        np.array([lo, hi], dtype=np.int64) + offsets.at(np.array([lo, hi])), unit
    )
    first_number, last_number = int(span_numbers[0]), int(span_numbers[1])
    numbers = np.arange(first_number, last_number + 2, dtype=np.int64)  # one extra: the last end
    bounds = _first_instant_at_or_after(_unit_local_start(numbers, unit), offsets)
    codes = _unit_number(instants + offsets.at(instants), unit) - first_number
    return bounds[:-1], bounds[1:], codes


def _hour_periods(
    instants: Int64Array, offsets: _Offsets, lo: int, hi: int
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Hour periods covering [lo, hi]: starts, ends and each instant's code.

    Within a segment of constant offset, an hour period is a local wall-clock hour; a change of
    offset always starts a new period, so a repeated hour is two periods and a skipped one none.
    """
    seg_start = np.concatenate(
        [[lo], offsets.change_ns[(offsets.change_ns > lo) & (offsets.change_ns <= hi)]]
    )
    seg_off = offsets.at(seg_start)
    seg_last = np.concatenate([seg_start[1:] - 1, [hi]])
    first_hour = (seg_start + seg_off) // _NS_PER_HOUR
    last_hour = (seg_last + seg_off) // _NS_PER_HOUR
    sizes = last_hour - first_hour + 1
    base = np.concatenate([[0], np.cumsum(sizes)])
    total = int(base[-1])
    segment_of_period = np.repeat(np.arange(seg_start.shape[0]), sizes)
    hour = (
        np.arange(total, dtype=np.int64) - base[segment_of_period] + first_hour[segment_of_period]
    )
    # A period starts on its local hour, or at the change of offset that opened its segment
    # (the first segment opens at ``lo``, which is no change: its first hour starts before it).
    clip = seg_start.copy()
    clip[0] = np.iinfo(np.int64).min
    starts = np.maximum(hour * _NS_PER_HOUR - seg_off[segment_of_period], clip[segment_of_period])
    ends = np.concatenate([starts[1:], [(last_hour[-1] + 1) * _NS_PER_HOUR - seg_off[-1]]])
    # An instant's code: its segment's base plus its local hour's distance from the first.
    seg = np.searchsorted(seg_start, instants, side="right") - 1
    seg_safe = np.maximum(seg, 0)
    off = seg_off[seg_safe]
    codes = base[seg_safe] + (instants + off) // _NS_PER_HOUR - first_hour[seg_safe]
    return starts, ends, codes


def bucket_instants(
    instants_ns: npt.ArrayLike,
    unit: PeriodUnit,
    tz: tzinfo,
    *,
    span: tuple[int, int] | None = None,
) -> PeriodIndex:
    """Assign each instant to its local period, and list every period of the range.

    Args:
        instants_ns: Epoch ns (UTC), in any order.
        unit: ``"hour"``, ``"day"``, ``"week"`` (ISO, Monday start) or ``"month"``.
        tz: A tzinfo from `resolve_timezone`.
        span: ``(first, last)`` epoch ns, both included: the range of periods to build is from
            the period holding ``first`` to the period holding ``last``. Default: the instants'
            own minimum and maximum. Instants outside an explicit span get code -1.

    Returns:
        A `PeriodIndex`; with no instants and no span it has no periods.
    """
    instants = np.asarray(instants_ns, dtype=np.int64)
    if span is None:
        if instants.shape[0] == 0:
            empty = np.zeros(0, dtype=np.int64)
            return PeriodIndex(
                unit=unit, tz=tz, starts=empty, ends=empty, codes=empty, offset_ns=empty
            )
        lo, hi = int(instants.min()), int(instants.max())
    else:
        lo, hi = span
    offsets = _offsets(tz, min(lo, hi), max(lo, hi))
    if hi < lo:
        empty = np.zeros(0, dtype=np.int64)
        return PeriodIndex(
            unit=unit,
            tz=tz,
            starts=empty,
            ends=empty,
            codes=np.full(instants.shape[0], -1, dtype=np.int64),
            offset_ns=empty,
        )
    if unit == "hour":
        starts, ends, codes = _hour_periods(instants, offsets, lo, hi)
    else:
        starts, ends, codes = _calendar_periods(instants, unit, offsets, lo, hi)
    if span is not None:
        codes = np.where((instants >= lo) & (instants <= hi), codes, -1)
    return PeriodIndex(
        unit=unit,
        tz=tz,
        starts=starts,
        ends=ends,
        codes=codes.astype(np.int64, copy=False),
        offset_ns=offsets.at(starts),
    )
