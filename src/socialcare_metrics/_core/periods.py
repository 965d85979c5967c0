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

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final, Literal, TypeAlias, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np
import numpy.typing as npt

from .._core.time import MAX_NS, MIN_NS
from .._core.typing import Int64Array
from ..errors import InvalidParameterError

__all__ = [
    "MAX_PERIODS",
    "PERIOD_UNITS",
    "PeriodIndex",
    "PeriodUnit",
    "TimeZone",
    "bucket_instants",
    "bucket_present",
    "check_period_unit",
    "local_days_and_ns",
    "offsets_at",
    "resolve_timezone",
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


#: The most periods a range may be split into when every period is listed, empty or not (an
#: hourly series of 11 years, a daily one of 273). Beyond it the range is refused, not built:
#: one timestamp centuries from the rest (a parsing error, a default date) would otherwise
#: cost millions of empty periods.
MAX_PERIODS: Final = 100_000


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


def _sat_add(a: Int64Array, b: Int64Array | int) -> Int64Array:
    """``a + b`` in int64, held at `MIN_NS` or `MAX_NS` where it would wrap round."""
    out: Int64Array = np.add(a, b, dtype=np.int64)
    b_array = np.broadcast_to(np.asarray(b, dtype=np.int64), out.shape)
    up = (b_array > 0) & (out < a)
    down = (b_array < 0) & (out > a)
    if up.any() or down.any():
        out = np.where(up, MAX_NS, np.where(down, MIN_NS, out))
    return out


def _away_from_the_edges(instants: Int64Array) -> bool:
    """Whether every instant is a day or more inside the int64 range: no UTC offset is a day
    long, so adding one to them cannot wrap round."""
    return bool(
        instants.shape[0]
        and int(instants.min()) >= MIN_NS + _NS_PER_DAY
        and int(instants.max()) <= MAX_NS - _NS_PER_DAY
    )


def _local_days(instants: Int64Array, offsets: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Local wall-clock time of each instant as (local day number, ns into that day).

    Split before the offset is added, so that no sum leaves int64 at the edges of its range.
    """
    if _away_from_the_edges(instants):
        local = instants + offsets
        local_days = local // _NS_PER_DAY
        return local_days, local - local_days * _NS_PER_DAY
    days, within = np.divmod(instants, _NS_PER_DAY)
    carry, within = np.divmod(within + offsets, _NS_PER_DAY)
    return days + carry, within


def _utc_of_local(numbers: Int64Array, step_ns: int, offsets: Int64Array) -> Int64Array:
    """The instant whose local wall time is ``numbers * step_ns`` under ``offsets``: exact, and
    held at `MIN_NS` or `MAX_NS` beyond what int64 nanoseconds hold.

    A local time may lie beyond int64 while its instant does not (local midnight of 2262-04-12
    in Tokyo is 2262-04-11 15:00 UTC): the few values within two steps of the edges are worked
    out in Python integers, the rest in int64, where nothing can wrap round.
    """
    whole, rest = np.divmod(offsets, step_ns)  # numbers * step - offset = (n - whole) * step - rest
    shifted = numbers - whole
    low, high = -(-MIN_NS // step_ns) + 1, MAX_NS // step_ns - 1
    safe = (shifted >= low) & (shifted <= high)
    out: Int64Array = np.where(safe, shifted, 0) * step_ns - rest
    for i in np.flatnonzero(~safe).tolist():
        exact = int(shifted[i]) * step_ns - int(rest[i])
        out[i] = min(max(exact, MIN_NS), MAX_NS)
    return out


@attrs.frozen(eq=False)
class _Offsets:
    """A zone's UTC offset: ``offset_ns[i]`` holds from ``change_ns[i - 1]`` on.

    ``change_ns`` is sorted; before its first entry ``offset_ns[0]`` holds, after its last entry
    ``offset_ns[-1]``. The offsets are right only in the windows they were found for (around the
    instants and period bounds asked about); between windows a change is placed anywhere.
    """

    change_ns: Int64Array
    offset_ns: Int64Array

    def at(self, instants: Int64Array) -> Int64Array:
        if self.change_ns.shape[0] == 0:
            return np.full(instants.shape[0], self.offset_ns[0], dtype=np.int64)
        return self.offset_ns[np.searchsorted(self.change_ns, instants, side="right")]


def _windows_near(instants: Int64Array, margin_s: int = _MARGIN_S) -> list[tuple[int, int]]:
    """The spans within ``margin_s`` of the instants, overlapping ones merged, as epoch seconds.

    Offsets are then looked up near the data only: two instants 500 years apart cost two short
    windows, not 500 years of samples.
    """
    if instants.shape[0] == 0:
        return []
    lo, hi = int(instants.min()) // _NS, int(instants.max()) // _NS
    if (hi - lo + 2 * margin_s) // _SAMPLE_S <= 10_000 + instants.shape[0] // 16:
        # Sampling the whole span costs about what sorting the instants would.
        return [(lo - margin_s, hi + 1 + margin_s)]
    seconds = np.sort(instants // _NS)
    breaks = np.flatnonzero(np.diff(seconds) > 2 * margin_s + _SAMPLE_S)
    firsts = np.concatenate([[0], breaks + 1])
    lasts = np.concatenate([breaks, [seconds.shape[0] - 1]])
    return [
        (int(seconds[a]) - margin_s, int(seconds[b]) + 1 + margin_s)
        for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True)
    ]


def _offsets(tz: tzinfo, windows: list[tuple[int, int]]) -> _Offsets:
    """Find every change of ``tz``'s UTC offset inside the windows (epoch seconds), to the second.

    The zone is sampled every `_SAMPLE_S` inside each window and each change found is bisected to
    the second; work grows with the windows' total length, and windows hug the data.
    """
    if isinstance(tz, timezone):
        fixed = tz.utcoffset(None)
        return _Offsets(
            change_ns=np.zeros(0, dtype=np.int64),
            offset_ns=np.array([int(fixed.total_seconds()) * _NS], dtype=np.int64),
        )
    if not windows:
        windows = [(0, 0)]  # nothing will be asked: any one offset will do
    changes: list[int] = []
    offsets: list[int] = []
    for lo_s, hi_s in windows:
        samples = range(lo_s - lo_s % _SAMPLE_S, hi_s + _SAMPLE_S, _SAMPLE_S)
        values = [_offset_s(tz, s) for s in samples]
        if not offsets:
            offsets.append(values[0])
        elif values[0] != offsets[-1]:
            # The offset changed somewhere between two windows, where nothing is asked about.
            changes.append(samples[0])
            offsets.append(values[0])
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
            changes.append(after)
            offsets.append(values[i])
    # Changes beyond what int64 nanoseconds hold concern no instant: before the range, the
    # offset after the change is the first one; after it, nothing.
    first_kept = 0
    while first_kept < len(changes) and changes[first_kept] * _NS < MIN_NS:
        first_kept += 1
    last_kept = first_kept
    while last_kept < len(changes) and changes[last_kept] * _NS <= MAX_NS:
        last_kept += 1
    return _Offsets(
        change_ns=np.asarray(changes[first_kept:last_kept], dtype=np.int64) * _NS,
        offset_ns=np.asarray(offsets[first_kept : last_kept + 1], dtype=np.int64) * _NS,
    )


def _offsets_over(tz: tzinfo, lo_ns: int, hi_ns: int) -> _Offsets:
    """The offsets over the whole span ``[lo_ns, hi_ns]``, with the margin for period bounds."""
    # The margin covers the start of the month holding the first instant and the end of the
    # month holding the last, which is where period bounds are looked up.
    return _offsets(tz, [(lo_ns // _NS - _MARGIN_S, -(-hi_ns // _NS) + _MARGIN_S)])


def offsets_at(instants_ns: Int64Array, tz: tzinfo) -> Int64Array:
    """The UTC offset in ns in force in ``tz`` at each instant."""
    instants = np.asarray(instants_ns, dtype=np.int64)
    if instants.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return _offsets(tz, _windows_near(instants)).at(instants)


def local_days_and_ns(instants_ns: Int64Array, tz: tzinfo) -> tuple[Int64Array, Int64Array]:
    """Local wall-clock time of each instant in ``tz``: (day number since the local
    1970-01-01, ns since local midnight)."""
    instants = np.asarray(instants_ns, dtype=np.int64)
    return _local_days(instants, offsets_at(instants, tz))


@attrs.frozen(eq=False)
class PeriodIndex:
    """Periods and the period of each instant.

    From `bucket_instants`, every period of a range, empty ones included, with no gaps between
    them; from `bucket_present`, only the periods that hold an instant.

    Attributes:
        unit: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The zone the periods are local to.
        starts: Epoch ns (UTC) of each period's start, increasing.
        ends: Epoch ns of each period's end (for `bucket_instants`, the next period's start).
        codes: For each instant given, the index of its period in ``starts``; -1 for an instant
            outside the range (possible only when an explicit range was given).

    A period cut by the edge of what int64 nanoseconds hold (the day of 1677-09-21, the month
    of April 2262) starts or ends at that edge.
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


def _unit_number(days: Int64Array, unit: PeriodUnit) -> Int64Array:
    """The local period number (for day, week and month) of each local day number."""
    if unit == "day":
        return days
    if unit == "week":
        return (days + _WEEK_SHIFT) // 7
    months: Int64Array = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months


def _unit_start_day(numbers: Int64Array, unit: PeriodUnit) -> Int64Array:
    """The local day number on which each period number (day, week or month) starts."""
    if unit == "day":
        return numbers
    if unit == "week":
        return numbers * 7 - _WEEK_SHIFT
    days: Int64Array = numbers.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days


def _first_instant_at_or_after(days: Int64Array, offsets: _Offsets) -> Int64Array:
    """The first UTC instant whose local wall-clock time is at or after local midnight of each
    local day number, held at `MIN_NS` / `MAX_NS` beyond what int64 nanoseconds hold.

    A local midnight that occurs twice resolves to its first occurrence; one that does not exist
    (a zone that springs forward at midnight) moves forward by the gap, to the moment of change.
    """
    seg_start = np.concatenate([[MIN_NS], offsets.change_ns]).astype(np.int64)
    # Within a segment of constant offset o, local time t + o rises with t: the segment holds a
    # local time at or after L when its local end (end + o) is past L, and its first instant at
    # or after L is then max(segment start, L - o). The first segment that holds one gives the
    # answer; a running maximum of the local ends makes "the first" a binary search.
    local_end = _sat_add(offsets.change_ns, offsets.offset_ns[:-1])
    local_end = np.concatenate([local_end, [MAX_NS]])  # the last segment has no end
    reach = np.maximum.accumulate(local_end)
    # Away from the edges of int64 (a day on either side: no offset is a day), L and L - o fit.
    low, high = -(-MIN_NS // _NS_PER_DAY) + 1, MAX_NS // _NS_PER_DAY - 1
    safe = (days >= low) & (days <= high)
    local = np.where(safe, days, 0) * _NS_PER_DAY
    segment = np.minimum(np.searchsorted(reach, local, side="right"), reach.shape[0] - 1)
    first: Int64Array = np.maximum(seg_start[segment], local - offsets.offset_ns[segment])
    edge = np.flatnonzero(~safe).tolist()
    if edge:
        # The same search in Python integers, which do not wrap round.
        changes, shifts = offsets.change_ns.tolist(), offsets.offset_ns[:-1].tolist()
        ends = [*(c + o for c, o in zip(changes, shifts, strict=True)), None]
        for i in edge:
            target = int(days[i]) * _NS_PER_DAY
            k = next(j for j, e in enumerate(ends) if e is None or e > target)
            exact = max(int(seg_start[k]), target - int(offsets.offset_ns[k]))
            first[i] = min(max(exact, MIN_NS), MAX_NS)
    return first


def _count_periods(unit: PeriodUnit, offsets: _Offsets, lo: int, hi: int) -> int:
    """How many periods `bucket_instants` would list from the period of ``lo`` to that of ``hi``."""
    if unit == "hour":
        *_, first_hour, last_hour = _hour_segments(offsets, lo, hi)
        return int((last_hour - first_hour + 1).sum())
    ends = np.array([lo, hi], dtype=np.int64)
    numbers = _unit_number(_local_days(ends, offsets.at(ends))[0], unit)
    return int(numbers[1] - numbers[0] + 1)


def _calendar_periods(
    instants: Int64Array, unit: PeriodUnit, offsets: _Offsets, lo: int, hi: int
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Day, week or month periods covering [lo, hi]: starts, ends and each instant's code."""
    span = np.array([lo, hi], dtype=np.int64)
    span_numbers = _unit_number(_local_days(span, offsets.at(span))[0], unit)
    first_number, last_number = int(span_numbers[0]), int(span_numbers[1])
    numbers = np.arange(first_number, last_number + 2, dtype=np.int64)  # one extra: the last end
    bounds = _first_instant_at_or_after(_unit_start_day(numbers, unit), offsets)
    codes = _unit_number(_local_days(instants, offsets.at(instants))[0], unit) - first_number
    return bounds[:-1], bounds[1:], codes


def _local_hours(instants: Int64Array, offsets: Int64Array) -> Int64Array:
    """The local wall-clock hour number (since the local 1970-01-01 00:00) of each instant."""
    if _away_from_the_edges(instants):
        fast: Int64Array = (instants + offsets) // _NS_PER_HOUR
        return fast
    days, within = _local_days(instants, offsets)
    hours: Int64Array = days * 24 + within // _NS_PER_HOUR
    return hours


def _hour_segments(
    offsets: _Offsets, lo: int, hi: int
) -> tuple[Int64Array, Int64Array, Int64Array, Int64Array]:
    """The spans of constant offset over [lo, hi]: start, offset, first and last local hour."""
    seg_start = np.concatenate(
        [[lo], offsets.change_ns[(offsets.change_ns > lo) & (offsets.change_ns <= hi)]]
    ).astype(np.int64)
    seg_off = offsets.at(seg_start)
    seg_last = np.concatenate([seg_start[1:] - 1, [hi]]).astype(np.int64)
    return seg_start, seg_off, _local_hours(seg_start, seg_off), _local_hours(seg_last, seg_off)


def _hour_periods(
    instants: Int64Array, offsets: _Offsets, lo: int, hi: int
) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Hour periods covering [lo, hi]: starts, ends and each instant's code.

    Within a segment of constant offset, an hour period is a local wall-clock hour; a change of
    offset always starts a new period, so a repeated hour is two periods and a skipped one none.
    """
    seg_start, seg_off, first_hour, last_hour = _hour_segments(offsets, lo, hi)
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
    clip[0] = MIN_NS
    starts = np.maximum(
        _utc_of_local(hour, _NS_PER_HOUR, seg_off[segment_of_period]), clip[segment_of_period]
    )
    last_end = _utc_of_local(last_hour[-1:] + 1, _NS_PER_HOUR, seg_off[-1:])
    ends = np.concatenate([starts[1:], last_end])
    # An instant's code: its segment's base plus its local hour's distance from the first.
    seg = np.searchsorted(seg_start, instants, side="right") - 1
    seg_safe = np.maximum(seg, 0)
    codes = base[seg_safe] + _local_hours(instants, seg_off[seg_safe]) - first_hour[seg_safe]
    return starts, ends, codes


def _empty_index(unit: PeriodUnit, tz: tzinfo, n_instants: int) -> PeriodIndex:
    empty = np.zeros(0, dtype=np.int64)
    return PeriodIndex(
        unit=unit,
        tz=tz,
        starts=empty,
        ends=empty,
        codes=np.full(n_instants, -1, dtype=np.int64),
        offset_ns=empty,
    )


def bucket_instants(
    instants_ns: npt.ArrayLike,
    unit: PeriodUnit,
    tz: tzinfo,
    *,
    span: tuple[int, int] | None = None,
    function: str = "bucket_instants",
    parameter: str = "period",
    hint: str = "group by a coarser period",
) -> PeriodIndex:
    """Assign each instant to its local period, and list every period of the range.

    Args:
        instants_ns: Epoch ns (UTC), in any order.
        unit: ``"hour"``, ``"day"``, ``"week"`` (ISO, Monday start) or ``"month"``.
        tz: A tzinfo from `resolve_timezone`.
        span: ``(first, last)`` epoch ns, both included: the range of periods to build is from
            the period holding ``first`` to the period holding ``last``. Default: the instants'
            own minimum and maximum. Instants outside an explicit span get code -1.
        function, parameter, hint: For the error when the range has more than `MAX_PERIODS`
            periods: who asked, which of their parameters chose the unit, and what to do.

    Returns:
        A `PeriodIndex`; with no instants and no span it has no periods.

    Raises:
        InvalidParameterError: the range has more than `MAX_PERIODS` periods (one timestamp
            centuries away from the rest is enough): they would all be built, empty or not.
    """
    instants = np.asarray(instants_ns, dtype=np.int64)
    if span is None:
        if instants.shape[0] == 0:
            return _empty_index(unit, tz, 0)
        lo, hi = int(instants.min()), int(instants.max())
    else:
        lo, hi = span
    if hi < lo:
        return _empty_index(unit, tz, instants.shape[0])
    return _range_index(
        instants,
        unit,
        tz,
        lo,
        hi,
        explicit=span is not None,
        limit=MAX_PERIODS,
        refuse=lambda count: _too_many_periods(unit, lo, hi, count, function, parameter, hint),
    )


def _range_index(
    instants: Int64Array,
    unit: PeriodUnit,
    tz: tzinfo,
    lo: int,
    hi: int,
    *,
    explicit: bool,
    limit: int,
    refuse: Callable[[str], Exception],
) -> PeriodIndex:
    """`bucket_instants` over ``[lo, hi]``: ``refuse(count)`` is raised for over ``limit``
    periods; ``explicit`` marks instants outside the range with -1."""
    # Count the periods before building anything: a range too long is refused at once.
    if unit == "hour":
        count = (hi - lo) // _NS_PER_HOUR + 1  # within a few periods per change of offset
        if count > 2 * limit:
            raise refuse(f"about {count:,}")
        offsets = _offsets_over(tz, lo, hi)
        count = _count_periods(unit, offsets, lo, hi)
    else:
        # The first and the last period's numbers need the offsets at lo and hi only.
        near = _offsets(tz, _windows_near(np.array([lo, hi], dtype=np.int64)))
        count = _count_periods(unit, near, lo, hi)
        if count <= limit and unit == "day":
            offsets = _offsets_over(tz, lo, hi)
        elif count <= limit:
            # Weeks and months need the offsets at their bounds and at the instants only: a
            # day around each, not every day of centuries.
            range_ends = np.array([lo, hi], dtype=np.int64)
            first = int(_unit_number(_local_days(range_ends, near.at(range_ends))[0], unit)[0])
            numbers = np.arange(first, first + count + 1, dtype=np.int64)
            no_offset = np.zeros(numbers.shape[0], dtype=np.int64)
            guesses = _utc_of_local(_unit_start_day(numbers, unit), _NS_PER_DAY, no_offset)
            inside = instants[(instants >= lo) & (instants <= hi)]
            points = np.concatenate([guesses, inside, range_ends])
            # A bound lies within a day of its guess (local midnight read as UTC: no zone is a
            # day away from UTC).
            offsets = _offsets(tz, _windows_near(points, margin_s=86_400))
    if count > limit:
        raise refuse(f"{count:,}")
    if unit == "hour":
        starts, ends, codes = _hour_periods(instants, offsets, lo, hi)
    else:
        starts, ends, codes = _calendar_periods(instants, unit, offsets, lo, hi)
    if explicit:
        codes = np.where((instants >= lo) & (instants <= hi), codes, -1)
    return PeriodIndex(
        unit=unit,
        tz=tz,
        starts=starts,
        ends=ends,
        codes=codes.astype(np.int64, copy=False),
        offset_ns=offsets.at(starts),
    )


def _too_many_periods(
    unit: PeriodUnit, lo: int, hi: int, count: str, function: str, parameter: str, hint: str
) -> InvalidParameterError:
    def when(instant: int) -> str:
        return f"{_EPOCH + timedelta(microseconds=instant // 1_000):%Y-%m-%d %H:%M}"

    return InvalidParameterError(
        function,
        parameter,
        f"a unit that splits the range into at most {MAX_PERIODS:,} periods, to list each of "
        f"them (empty ones too); the range runs from {when(lo)} to {when(hi)} UTC: "
        f"{count} {unit}s. {hint}",
        unit,
    )


# A period's shortest usual length, to estimate how many periods a range holds.
_TYPICAL_NS: Final = {
    "hour": _NS_PER_HOUR,
    "day": _NS_PER_DAY,
    "week": 7 * _NS_PER_DAY,
    "month": 28 * _NS_PER_DAY,
}


def bucket_present(instants_ns: npt.ArrayLike, unit: PeriodUnit, tz: tzinfo) -> PeriodIndex:
    """Assign each instant to its local period, listing only the periods that hold one.

    The same periods as `bucket_instants` gives them (starts, ends, labels), in time order,
    without the empty ones between them: the work grows with the instants, not with the time
    they span, so two messages 500 years apart cost no more than two a minute apart.
    """
    instants = np.asarray(instants_ns, dtype=np.int64)
    n = instants.shape[0]
    if n == 0:
        return _empty_index(unit, tz, 0)
    lo, hi = int(instants.min()), int(instants.max())
    if (hi - lo) // _TYPICAL_NS[unit] <= 1_000 + 4 * n:
        # The range has about as many periods as instants, or fewer: list them all (linear in
        # both), then keep those with instants.
        whole = _range_index(
            instants, unit, tz, lo, hi, explicit=False, limit=2**62, refuse=RuntimeError
        )  # (no limit: the range is short, by the test above)
        used = whole.counts() > 0
        remap = np.cumsum(used) - 1
        return PeriodIndex(
            unit=unit,
            tz=tz,
            starts=whole.starts[used],
            ends=whole.ends[used],
            codes=remap[whole.codes],
            offset_ns=whole._offset_ns[used],
        )
    return _present_by_sorting(instants, unit, tz)


def _present_by_sorting(instants: Int64Array, unit: PeriodUnit, tz: tzinfo) -> PeriodIndex:
    """`bucket_present` for instants sparse in their range: each instant's period, then the
    distinct ones (a sort of the instants; offsets looked up near them only)."""
    offsets = _offsets(tz, _windows_near(instants))
    offset = offsets.at(instants)
    if unit == "hour":
        # A period is a local hour within a span of constant offset: its start names it.
        hour = _local_hours(instants, offset)
        seg = np.searchsorted(offsets.change_ns, instants, side="right")
        seg_start = np.concatenate([[MIN_NS], offsets.change_ns])[seg]
        seg_end = np.concatenate([offsets.change_ns, [MAX_NS]])[seg]
        start = np.maximum(_utc_of_local(hour, _NS_PER_HOUR, offset), seg_start)
        end = np.minimum(_utc_of_local(hour + 1, _NS_PER_HOUR, offset), seg_end)
        starts, first, codes = np.unique(start, return_index=True, return_inverse=True)
        ends = end[first]
    else:
        numbers, first, codes = np.unique(
            _unit_number(_local_days(instants, offset)[0], unit),
            return_index=True,
            return_inverse=True,
        )
        starts = _first_instant_at_or_after(_unit_start_day(numbers, unit), offsets)
        ends = _first_instant_at_or_after(_unit_start_day(numbers + 1, unit), offsets)
    return PeriodIndex(
        unit=unit,
        tz=tz,
        starts=starts,
        ends=ends,
        codes=codes.astype(np.int64, copy=False).reshape(-1),
        offset_ns=offsets.at(starts),
    )
