"""Business calendars: how much open time lies between two instants.

A [`BusinessCalendar`][socialcare_metrics.BusinessCalendar] turns weekly opening hours, holidays,
closed dates and special hours, all written in local wall-clock time, into a sorted array of open
intervals in UTC epoch nanoseconds. Business time between ``a`` and ``b`` is then
``cum(b) - cum(a)``, where ``cum(t)`` is the open time before ``t``: a lookup per instant, never a
loop per pair.

The rules in one place:

* Hours are local wall-clock hours; business time is the real elapsed time of ``[a, b)`` that
  lies inside open intervals, so a DST change inside an open interval lengthens or shortens it.
* An interval whose closing time is not after its opening time crosses midnight and belongs to
  the day it starts on.
* A holiday or closed date closes its whole local day, midnight to midnight, including the part
  of a night shift that started the evening before, and nothing outside it: a night shift that
  starts on a closed date opens at its midnight, on the next day. A date with special hours gets
  exactly those hours on its local day, and nothing runs into it from the evening before either;
  a special interval that crosses midnight runs into the next day unless that day is closed or
  has special hours of its own.
* A local time that does not exist (spring forward) moves forward by the gap; one that occurs
  twice (fall back) means its first occurrence. Each local day's hours stay between its own
  midnights, so a day a zone skips whole has none.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast, final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from .errors import InvalidParameterError

__all__ = ["BusinessCalendar", "DayHours", "TimeOfDay", "WeeklyHours"]

if TYPE_CHECKING:
    # Imported where holidays are used: the package takes a tenth of a second to import, which
    # every user of the library would otherwise pay, holidays or not.
    import holidays as holidays_package


TimeOfDay: TypeAlias = str | time


"""An opening or closing time: ``"09:00"``, ``"17:30:15"``, ``"24:00"`` or a ``datetime.time``."""


DayHours: TypeAlias = str | Sequence[tuple[TimeOfDay, TimeOfDay]]


"""One day's hours: ``"09:00-12:00, 13:00-17:00"``, ``[("09:00", "17:00")]``, or ``"closed"``."""


WeeklyHours: TypeAlias = str | Mapping[str | int, DayHours]


"""A week's hours: ``"mon-fri 09:00-17:00; sat 10:00-14:00"`` or ``{"mon-fri": "09:00-17:00"}``."""


_US_PER_DAY: Final = 86_400_000_000


_NS_PER_DAY: Final = 86_400_000_000_000


_INT64_MIN: Final = -(2**63)


_INT64_MAX: Final = 2**63 - 1


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


# The first and last instants int64 nanoseconds since the epoch hold (the least int64 is NaT).
_FIRST_INSTANT: Final = "1677-09-21 00:12:43.145224193"


_LAST_INSTANT: Final = "2262-04-11 23:47:16.854775807"


_ONE_US: Final = timedelta(microseconds=1)


# The last year whose instants fit in int64 nanoseconds.
_LAST_YEAR: Final = 2262


# The bucket table that answers lookups in O(1) stays below this many buckets (24 bytes each).
_MAX_BUCKETS: Final = 1 << 20


# Pairs are answered in slices of this size so temporaries stay small and in cache.
_SLICE: Final = 1 << 16


_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


_DAY_LOOKUP: Final = {
    **{name: index for index, name in enumerate(_DAY_NAMES)},
    **{
        name: index
        for index, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


_TIME_PATTERN: Final = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")


# A wall-clock interval of one local day, in microseconds from that day's midnight. The end is
# after the start and may pass 24:00 (a night shift): it then runs into the next day.
_WallInterval: TypeAlias = tuple[int, int]


_Int64Array: TypeAlias = npt.NDArray[np.int64]


_UInt64Array: TypeAlias = npt.NDArray[np.uint64]


def _parse_time(value: object, *, function: str, parameter: str, closing: bool) -> int:
    """Microseconds after midnight of an opening or closing time; ``24:00`` only for closing."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise InvalidParameterError(function, parameter, "a time without a tzinfo", value)
        return (
            (value.hour * 60 + value.minute) * 60 + value.second
        ) * 1_000_000 + value.microsecond
    if isinstance(value, str):
        match = _TIME_PATTERN.fullmatch(value.strip())
        if match is not None:
            hour, minute = int(match[1]), int(match[2])
            second = int(match[3] or 0)
            micro = int((match[4] or "0").ljust(6, "0"))
            in_day = hour < 24 and minute < 60 and second < 60
            midnight_end = closing and hour == 24 and minute == second == micro == 0
            if in_day or midnight_end:
                return ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro
    expected = (
        "a time 'HH:MM' or 'HH:MM:SS' from 00:00 to 24:00, or a datetime.time"
        if closing
        else "a time 'HH:MM' or 'HH:MM:SS' from 00:00 to 23:59:59, or a datetime.time"
    )
    raise InvalidParameterError(function, parameter, expected, value)


def _format_time(micros: int) -> str:
    seconds, micro = divmod(micros, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    text = f"{hour:02d}:{minute:02d}"
    if second or micro:
        text += f":{second:02d}"
    if micro:
        text += f".{micro:06d}"
    return text


def _format_interval(interval: _WallInterval) -> tuple[str, str]:
    start, end = interval
    # A closing time at 24:00 is written so; one past midnight is written as the next day's time.
    closing = end if end <= _US_PER_DAY else end - _US_PER_DAY
    return _format_time(start), _format_time(closing)


def _parse_day_hours(value: object, *, function: str, parameter: str) -> tuple[_WallInterval, ...]:
    """One day's intervals, sorted, validated: none zero-length, none overlapping."""
    pairs: list[tuple[object, object]] = []
    if isinstance(value, str):
        if not value.strip():
            # An empty day is more likely a blank left by mistake than a decision to close.
            raise InvalidParameterError(
                function, parameter, "a day's hours such as '09:00-17:00', or 'closed'", value
            )
        if value.strip().lower() != "closed":
            for part in value.split(","):
                pieces = part.split("-")
                if len(pieces) != 2:
                    raise InvalidParameterError(
                        function,
                        parameter,
                        "intervals written 'HH:MM-HH:MM', separated by commas",
                        value,
                    )
                pairs.append((pieces[0], pieces[1]))
    elif isinstance(value, Sequence):
        for pair in value:
            if not (isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2):
                raise InvalidParameterError(
                    function, parameter, "a sequence of (opening, closing) pairs", value
                )
            pairs.append((pair[0], pair[1]))
    else:
        raise InvalidParameterError(
            function, parameter, "a string such as '09:00-17:00' or (opening, closing) pairs", value
        )
    intervals: list[_WallInterval] = []
    for opening, closing in pairs:
        start = _parse_time(opening, function=function, parameter=parameter, closing=False)
        end = _parse_time(closing, function=function, parameter=parameter, closing=True)
        if end == start:
            raise InvalidParameterError(
                function,
                parameter,
                "intervals of non-zero length (write a whole day as 00:00-24:00)",
                f"{_format_time(start)}-{_format_time(end)}",
            )
        if end < start:
            end += _US_PER_DAY
        intervals.append((start, end))
    intervals.sort()
    for first, second in pairwise(intervals):
        if second[0] < first[1]:
            raise InvalidParameterError(
                function,
                parameter,
                "intervals that do not overlap",
                "{}-{} and {}-{}".format(*_format_interval(first), *_format_interval(second)),
            )
    return tuple(intervals)


def _parse_days(text: str, *, function: str, parameter: str) -> list[int]:
    """Weekday numbers (Monday 0) of 'mon', 'monday', 'mon-fri', 'sat,sun', 'fri-mon'."""
    days: list[int] = []
    for part in text.split(","):
        ends = [piece.strip().lower() for piece in part.split("-")]
        if len(ends) > 2 or any(end not in _DAY_LOOKUP for end in ends):
            raise InvalidParameterError(
                function,
                parameter,
                "weekdays written 'mon'..'sun' (or in full), ranges 'mon-fri', lists 'sat,sun'",
                text,
            )
        first, last = _DAY_LOOKUP[ends[0]], _DAY_LOOKUP[ends[-1]]
        days.extend((first + step) % 7 for step in range((last - first) % 7 + 1))
    return days


def _parse_weekly_hours(value: object) -> tuple[tuple[_WallInterval, ...], ...]:
    """Seven days' intervals (Monday first), checked for overlaps across days too."""
    function, parameter = "BusinessCalendar", "hours"
    entries: list[tuple[list[int], object]] = []
    if isinstance(value, str):
        for entry in re.split(r"[;\n]", value):
            if not entry.strip():
                continue
            match = re.fullmatch(r"\s*([A-Za-z]+(?:\s*[-,]\s*[A-Za-z]+)*)\s*(.*?)\s*", entry)
            if match is None:
                raise InvalidParameterError(
                    function, parameter, "entries such as 'mon-fri 09:00-17:00'", entry
                )
            if not match[2]:
                days = match[1].strip()
                raise InvalidParameterError(
                    function,
                    parameter,
                    f"entries with hours after the weekdays, such as '{days} 09:00-17:00' or "
                    f"'{days} closed'",
                    entry.strip(),
                )
            entries.append(
                (_parse_days(match[1], function=function, parameter=parameter), match[2])
            )
    elif isinstance(value, Mapping):
        for key, day_hours in value.items():
            if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
                days = [key]
            elif isinstance(key, str):
                days = _parse_days(key, function=function, parameter=parameter)
            else:
                raise InvalidParameterError(
                    function, parameter, "weekday keys 'mon'..'sun', 'mon-fri' or 0..6", key
                )
            entries.append((days, day_hours))
    else:
        raise InvalidParameterError(
            function,
            parameter,
            "a string such as 'mon-fri 09:00-17:00' or a mapping of weekdays to hours",
            value,
        )
    week: list[tuple[_WallInterval, ...] | None] = [None] * 7
    for days, day_hours in entries:
        intervals = _parse_day_hours(day_hours, function=function, parameter=parameter)
        for day in days:
            if week[day] is not None:
                raise InvalidParameterError(
                    function, parameter, "each weekday given once", _DAY_NAMES[day]
                )
            week[day] = intervals
    weekly = tuple(day or () for day in week)
    _check_week_overlaps(weekly)
    return weekly


def _check_week_overlaps(weekly: tuple[tuple[_WallInterval, ...], ...]) -> None:
    """Intervals must not overlap anywhere on the week, Sunday night into Monday included."""
    week_us = 7 * _US_PER_DAY
    pieces: list[tuple[int, int, int, _WallInterval]] = []
    for day, intervals in enumerate(weekly):
        for interval in intervals:
            start, end = day * _US_PER_DAY + interval[0], day * _US_PER_DAY + interval[1]
            pieces.append((start, min(end, week_us), day, interval))
            if end > week_us:
                pieces.append((0, end - week_us, day, interval))
    pieces.sort()
    for first, second in pairwise(pieces):
        if second[0] < first[1]:
            raise InvalidParameterError(
                "BusinessCalendar",
                "hours",
                "intervals that do not overlap",
                "{} {}-{} and {} {}-{}".format(
                    _DAY_NAMES[first[2]],
                    *_format_interval(first[3]),
                    _DAY_NAMES[second[2]],
                    *_format_interval(second[3]),
                ),
            )


def _format_weekly_hours(weekly: tuple[tuple[_WallInterval, ...], ...]) -> str:
    """The compact form, runs of days with equal hours joined: 'mon-fri 09:00-17:00'."""
    entries: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and weekly[last + 1] == weekly[day]:
            last += 1
        if weekly[day]:
            days = _DAY_NAMES[day] if last == day else f"{_DAY_NAMES[day]}-{_DAY_NAMES[last]}"
            hours = ", ".join("-".join(_format_interval(item)) for item in weekly[day])
            entries.append(f"{days} {hours}")
        day = last + 1
    return "; ".join(entries)


def _format_day_hours(intervals: tuple[_WallInterval, ...]) -> str:
    return ", ".join("-".join(_format_interval(item)) for item in intervals) or "closed"


def _parse_date(value: object, *, function: str, parameter: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidParameterError(function, parameter, "a date or an ISO date 'YYYY-MM-DD'", value)


def _parse_timezone(value: object) -> ZoneInfo:
    if isinstance(value, ZoneInfo):
        return value
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a name too long for a file name.
            pass
    raise InvalidParameterError(
        "BusinessCalendar",
        "timezone",
        "an IANA time zone name such as 'Europe/Berlin', or a zoneinfo.ZoneInfo",
        value,
    )


def _instant_ns(value: object, *, function: str, parameter: str) -> int:
    """Epoch nanoseconds of a timezone-aware datetime inside the int64 range."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError(function, parameter, "a timezone-aware datetime", value)
    nanoseconds = (value - _EPOCH) // _ONE_US * 1000
    if not _INT64_MIN < nanoseconds <= _INT64_MAX:
        raise InvalidParameterError(
            function,
            parameter,
            "a datetime from 1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775 UTC "
            "(what int64 nanoseconds since 1970 hold)",
            value,
        )
    return nanoseconds


# The nanoseconds in one step of each fixed-length datetime64 unit.
_UNIT_NS: Final = {
    "W": 7 * _NS_PER_DAY,
    "D": _NS_PER_DAY,
    "h": 3_600_000_000_000,
    "m": 60_000_000_000,
    "s": 1_000_000_000,
    "ms": 1_000_000,
    "us": 1_000,
    "ns": 1,
}


def _unit_limits(dtype: np.dtype[Any]) -> tuple[int, int]:
    """The least and greatest values of a datetime64 dtype that int64 nanoseconds hold.

    Found in the dtype's own integers, so no value is converted (and possibly wrapped around)
    before it is checked.
    """
    unit, count = np.datetime_data(dtype)
    step = _UNIT_NS.get(unit)
    if step is not None:
        step *= count
        return -((-(_INT64_MIN + 1)) // step), _INT64_MAX // step
    # Months and years: numpy rounds an instant down to the step that holds it, and the first
    # instant is not the start of a month, so the first whole step is the one after.
    first = np.datetime64(_INT64_MIN + 1, "ns").astype(dtype).astype(np.int64)
    last = np.datetime64(_INT64_MAX, "ns").astype(dtype).astype(np.int64)
    return int(first) + 1, int(last)


def _as_instants(values: npt.ArrayLike, *, function: str, parameter: str) -> _Int64Array:
    """Epoch nanoseconds from datetime64 values (UTC instants) or integers (epoch ns)."""
    expected = "an array of datetime64 values (UTC) or of int64 epoch nanoseconds"
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):
        # Ragged nested lists, mostly.
        raise InvalidParameterError(function, parameter, expected, values) from None
    if np.issubdtype(array.dtype, np.datetime64):
        nat = np.isnat(array)
        if nat.any():
            where = _index_text(array.shape, int(np.argmax(nat)))
            raise InvalidParameterError(
                function, parameter, f"instants, not NaT (first NaT at index {where})", "NaT"
            )
        unit = np.datetime_data(array.dtype)[0]
        if unit in ("ps", "fs", "as"):
            raise InvalidParameterError(
                function,
                parameter,
                "datetime64 values in nanoseconds or a coarser unit",
                f"an array of dtype {array.dtype}",
            )
        if array.dtype != np.dtype("datetime64[ns]") and unit != "generic":
            low, high = _unit_limits(array.dtype)
            raw = array.view(np.int64)
            outside = (raw < low) | (raw > high)
            if outside.any():
                index = int(np.argmax(outside))
                raise InvalidParameterError(
                    function,
                    parameter,
                    f"instants from {_FIRST_INSTANT} to {_LAST_INSTANT} UTC (first outside at "
                    f"index {_index_text(array.shape, index)})",
                    array.flat[index],
                )
            array = array.astype("datetime64[ns]")
        return array.view(np.int64)
    if array.size == 0:
        # An empty list arrives as float64; there is nothing in it to misread.
        return np.empty(array.shape, dtype=np.int64)
    if array.dtype.kind in "iu" and array.dtype != np.uint64:
        return array.astype(np.int64, copy=False)
    if array.dtype == np.uint64 and array.max() <= _INT64_MAX:
        return array.astype(np.int64)
    raise InvalidParameterError(
        function,
        parameter,
        "an array of datetime64 values (UTC) or of int64 epoch nanoseconds",
        f"an array of dtype {array.dtype}",
    )


def _index_text(shape: tuple[int, ...], flat_index: int) -> str:
    if len(shape) == 1:
        return str(flat_index)
    return str(tuple(int(i) for i in np.unravel_index(flat_index, shape)))


def _local_date(nanoseconds: int, zone: ZoneInfo) -> date:
    return (_EPOCH + timedelta(microseconds=nanoseconds // 1000)).astimezone(zone).date()


class _OpenTable:
    """The open intervals of a run of local years, and what answers lookups in them.

    ``cum(t)``, the open nanoseconds before ``t``, is kept modulo 2**64: differences of two
    values are then exact whenever the true difference fits, which it does as it is at most
    ``b - a``. Two ways to find it: a bucket table with one open segment per bucket (O(1) per
    instant) and, for the rare buckets that hold more, binary search over the intervals.
    """

    __slots__ = (
        "bucket_base",
        "bucket_high",
        "bucket_low",
        "crowded",
        "ends",
        "first_year",
        "last_year",
        "origin",
        "padded_base",
        "padded_ends",
        "padded_starts",
        "shift",
        "starts",
    )

    def __init__(
        self, first_year: int, last_year: int, starts: _Int64Array, ends: _Int64Array
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.starts = starts
        self.ends = ends
        before = np.zeros(len(starts) + 1, dtype=np.uint64)
        np.cumsum((ends - starts).view(np.uint64), out=before[1:])
        # Index 0 is a sentinel interval at the smallest int64, so a search never lands before it.
        self.padded_starts = np.concatenate([[_INT64_MIN], starts]).astype(np.int64)
        self.padded_ends = np.concatenate([[_INT64_MIN], ends]).astype(np.int64)
        # cum(t) = base[j] + min(t, ends[j]) for j the last interval starting at or before t.
        self.padded_base = np.empty(len(starts) + 1, dtype=np.uint64)
        self.padded_base[0] = np.uint64(2**63)
        self.padded_base[1:] = before[:-1] - starts.view(np.uint64)

        # The bucket grid spans every instant a query with these years can hold (offsets < 1 day).
        low = max(_INT64_MIN, _year_start_ns(first_year) - 2 * _NS_PER_DAY)
        high = min(_INT64_MAX, _year_start_ns(last_year + 1) + 2 * _NS_PER_DAY)
        gaps = starts[1:] - ends[:-1]
        smallest_gap = int(gaps.min()) if len(gaps) else 1 << 62
        shift = max(smallest_gap.bit_length() - 1, ((high - low) // _MAX_BUCKETS).bit_length())
        self.origin = low
        self.shift = shift = min(shift, 62)
        count = ((high - low) >> shift) + 1
        bucket_starts = low + (np.arange(count, dtype=np.int64) << shift)
        width = 1 << shift
        bucket_ends = np.where(
            bucket_starts > _INT64_MAX - width, _INT64_MAX, bucket_starts + width
        )
        count_open = len(starts)
        if count_open == 0:
            self.bucket_low = self.bucket_high = bucket_starts
            self.crowded = None
        else:
            # The first interval ending after a bucket's start is the only one open in it, unless
            # the next interval starts inside the bucket too: then the bucket is crowded.
            first = np.searchsorted(ends, bucket_starts, side="right")
            candidate = np.minimum(first, count_open - 1)
            segment_start, segment_end = starts[candidate], ends[candidate]
            open_here = (first < count_open) & (segment_start < bucket_ends)
            self.bucket_low = np.where(
                open_here, np.maximum(segment_start, bucket_starts), bucket_starts
            )
            self.bucket_high = np.where(
                open_here, np.minimum(segment_end, bucket_ends), bucket_starts
            )
            next_start = starts[np.minimum(first + 1, count_open - 1)]
            crowded = open_here & (first + 1 < count_open) & (next_start < bucket_ends)
            self.crowded = crowded if crowded.any() else None
        self.bucket_base = self._cumulative_by_search(bucket_starts) - self.bucket_low.view(
            np.uint64
        )

    def _cumulative_by_search(self, instants: _Int64Array) -> _UInt64Array:
        index = np.searchsorted(self.padded_starts, instants, side="right") - 1
        result: _UInt64Array = self.padded_base[index] + np.minimum(
            instants, self.padded_ends[index]
        ).view(np.uint64)
        return result

    def cumulative(
        self, instants: _Int64Array, out: _UInt64Array, buckets: _Int64Array, gathered: _Int64Array
    ) -> None:
        """Write cum(t) for each instant into ``out``, using two scratch buffers of its size."""
        # Instants at or after the origin, so the unsigned difference is their distance from it.
        unsigned = buckets.view(np.uint64)
        np.subtract(instants.view(np.uint64), np.uint64(self.origin % 2**64), out=unsigned)
        np.right_shift(unsigned, np.uint64(self.shift), out=unsigned)
        clipped = out.view(np.int64)
        np.take(self.bucket_low, buckets, out=clipped, mode="clip")
        np.maximum(clipped, instants, out=clipped)
        np.take(self.bucket_high, buckets, out=gathered, mode="clip")
        np.minimum(clipped, gathered, out=clipped)
        np.take(self.bucket_base, buckets, out=gathered.view(np.uint64), mode="clip")
        np.add(out, gathered.view(np.uint64), out=out)
        if self.crowded is not None:
            slow = np.flatnonzero(self.crowded[buckets])
            if len(slow):
                out[slow] = self._cumulative_by_search(instants[slow])

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


def _year_start_ns(year: int) -> int:
    return (datetime(year, 1, 1, tzinfo=UTC) - _EPOCH) // _ONE_US * 1000


def _not_holidays(function: str, given: object) -> InvalidParameterError:
    """The error for a ``holidays=`` that is no ``holidays`` object, with the option meant."""
    expected = "a holidays.HolidayBase object"
    if isinstance(given, str):
        # A country code where the object goes: the option for it is country=.
        code, _, region = given.partition(":")
        expected += f" (for a country's holidays pass country={code!r}"
        expected += f", subdivision={region!r})" if region else ")"
    elif isinstance(given, Iterable):
        expected += " (for dates of your own pass closed_dates=)"
    return InvalidParameterError(function, "holidays", expected, given)


@final
class BusinessCalendar:
    """When a customer-care team is open, and how much open time lies between two instants.

    Hours are local wall-clock hours in ``timezone``. Business time between ``a`` and ``b`` is
    the real elapsed time of ``[a, b)`` inside open intervals, so a DST change inside an open
    interval makes it an hour shorter or longer, as a clock on the wall would show.

    Args:
        timezone: An IANA time zone name (``"Europe/Berlin"``) or a ``zoneinfo.ZoneInfo``.
        hours: The weekly opening hours. Either a string, entries separated by ``;``:
            ``"mon-fri 09:00-12:00, 13:00-17:00; sat 10:00-14:00"``, or a mapping from weekdays
            (``"mon"``, ``"monday"``, ``"mon-fri"``, ``"sat,sun"`` or ``0`` for Monday to ``6``)
            to one day's hours (``"09:00-17:00"`` or ``[("09:00", "17:00")]``, times as strings
            or ``datetime.time``). A closing time not after the opening time crosses midnight
            (``"22:00-06:00"``) and belongs to the day it starts on; ``"24:00"`` closes at
            midnight. Days not given are closed; a day written ``"closed"`` is too, but a
            day given with no hours at all (``"mon-fri"``, ``{"sat": ""}``) is refused as a
            likely mistake.
        country: A country code of the ``holidays`` package (``"US"``, ``"DE"``, ``"IN"``);
            its holidays are closed all day.
        subdivision: A subdivision code of that country (``"CA"``, ``"BY"``, ``"MH"``).
        categories: Holiday categories of that country (``("public", "optional")``); the
            ``holidays`` package's default (public holidays) when not given.
        holidays: A ``holidays.HolidayBase`` built by the caller, instead of ``country``.
        closed_dates: Further dates closed all day: ``date`` objects or ``"YYYY-MM-DD"``
            strings, one on its own or a collection of them; ``None`` for none.
        special_hours: Hours for given dates that replace the weekly hours and open a holiday:
            ``{"2024-12-24": "09:00-13:00"}``. ``"closed"`` closes the date.

    Raises:
        InvalidParameterError: For an unknown time zone, country, subdivision or category;
            a malformed time; overlapping or zero-length intervals; a weekday given twice or
            without hours; a date both closed and given special hours; no open time at all;
            or an argument of the wrong type (the message names the parameter and what it got).

    Examples:
        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")
        >>> berlin = ZoneInfo("Europe/Berlin")
        >>> calendar.business_time(
        ...     datetime(2024, 10, 2, 16, 0, tzinfo=berlin),  # Wednesday
        ...     datetime(2024, 10, 4, 10, 0, tzinfo=berlin),  # Friday; 3 October is a holiday
        ... )
        datetime.timedelta(seconds=7200)
    """

    __slots__ = (
        "_cache_lock",
        "_categories",
        "_closed_dates",
        "_country",
        "_holiday_dates",
        "_holiday_years",
        "_holidays",
        "_special_hours",
        "_subdivision",
        "_table",
        "_timezone",
        "_weekly",
        "_year_intervals",
    )

    _timezone: ZoneInfo
    _weekly: tuple[tuple[_WallInterval, ...], ...]
    _country: str | None
    _subdivision: str | None
    _categories: tuple[str, ...] | None
    _holidays: holidays_package.HolidayBase | None
    _closed_dates: frozenset[date]
    _special_hours: Mapping[date, tuple[_WallInterval, ...]]
    _cache_lock: threading.Lock
    _holiday_dates: set[date]
    _holiday_years: set[int]
    _year_intervals: dict[int, tuple[list[int], list[int]]]
    _table: _OpenTable | None

    def __init__(
        self,
        timezone: str | ZoneInfo,
        hours: WeeklyHours,
        *,
        country: str | None = None,
        subdivision: str | None = None,
        categories: str | Iterable[str] | None = None,
        holidays: holidays_package.HolidayBase | None = None,
        closed_dates: Iterable[date | str] | date | str | None = (),
        special_hours: Mapping[date | str, DayHours] | None = None,
    ) -> None:
        function = "BusinessCalendar"
        zone = _parse_timezone(timezone)
        weekly = _parse_weekly_hours(hours)

        if holidays is not None:
            import holidays as holidays_package

            if not isinstance(holidays, holidays_package.HolidayBase):
                raise _not_holidays(function, holidays)
            if country is not None or subdivision is not None or categories is not None:
                raise InvalidParameterError(
                    function,
                    "holidays",
                    "None when country, subdivision or categories are given",
                    holidays,
                )
        if country is None and (subdivision is not None or categories is not None):
            raise InvalidParameterError(
                function,
                "country",
                "a country code when a subdivision or categories are given",
                None,
            )
        category_tuple = _parse_categories(categories)
        if country is not None:
            _check_country(country, subdivision, category_tuple)

        closed = _parse_closed_dates(closed_dates)
        if special_hours is None:
            special_hours = {}
        elif not isinstance(special_hours, Mapping):
            raise InvalidParameterError(
                function,
                "special_hours",
                "a mapping of dates to hours, such as {'2024-12-24': '09:00-13:00'}",
                special_hours,
            )
        special: dict[date, tuple[_WallInterval, ...]] = {}
        for key, day_hours in special_hours.items():
            day = _parse_date(key, function=function, parameter="special_hours")
            if day in special:
                raise InvalidParameterError(function, "special_hours", "each date given once", key)
            if day in closed:
                raise InvalidParameterError(
                    function, "special_hours", "dates that are not also in closed_dates", key
                )
            special[day] = _parse_day_hours(
                day_hours, function=function, parameter=f"special_hours[{day.isoformat()}]"
            )
        if not any(weekly) and not any(special.values()):
            raise InvalidParameterError(
                function, "hours", "some open time (weekly hours or special hours)", hours
            )

        setter = object.__setattr__
        setter(self, "_timezone", zone)
        setter(self, "_weekly", weekly)
        setter(self, "_country", country)
        setter(self, "_subdivision", subdivision)
        setter(self, "_categories", category_tuple)
        setter(self, "_holidays", holidays)
        setter(self, "_closed_dates", closed)
        setter(self, "_special_hours", MappingProxyType(dict(sorted(special.items()))))
        self._reset_cache()

    @classmethod
    def always_open(cls, timezone: str | ZoneInfo = "UTC") -> BusinessCalendar:
        """A calendar open around the clock: business time equals wall-clock time.

        The time zone matters only for grouping by local period; durations are the same in any.

        Examples:
            >>> BusinessCalendar.always_open("Asia/Kolkata")
            BusinessCalendar('Asia/Kolkata', 'mon-sun 00:00-24:00')
        """
        return cls(timezone, "mon-sun 00:00-24:00")

    # -- the definition, read-only ---------------------------------------------------------

    @property
    def timezone(self) -> ZoneInfo:
        """The time zone the hours are written in (its name is ``timezone.key``)."""
        return self._timezone

    @property
    def weekly_hours(self) -> Mapping[str, tuple[tuple[str, str], ...]]:
        """The weekly hours, ``"mon"`` to ``"sun"``, as ``("HH:MM", "HH:MM")`` pairs."""
        return MappingProxyType(
            {
                name: tuple(_format_interval(item) for item in intervals)
                for name, intervals in zip(_DAY_NAMES, self._weekly, strict=True)
            }
        )

    @property
    def country(self) -> str | None:
        """The ``holidays`` country code, if holidays come from one."""
        return self._country

    @property
    def subdivision(self) -> str | None:
        """The subdivision of ``country``, if any."""
        return self._subdivision

    @property
    def categories(self) -> tuple[str, ...] | None:
        """The holiday categories of ``country``, or ``None`` for the package's default."""
        return self._categories

    @property
    def holidays(self) -> holidays_package.HolidayBase | None:
        """The ``holidays.HolidayBase`` the caller gave, if any."""
        return self._holidays

    @property
    def closed_dates(self) -> frozenset[date]:
        """The caller's own closed dates."""
        return self._closed_dates

    @property
    def special_hours(self) -> Mapping[date, tuple[tuple[str, str], ...]]:
        """Hours for given dates, replacing the weekly hours; an empty tuple means closed."""
        return MappingProxyType(
            {
                day: tuple(_format_interval(item) for item in intervals)
                for day, intervals in self._special_hours.items()
            }
        )

    # -- value semantics ---------------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (
            self._timezone.key,
            self._weekly,
            self._country,
            self._subdivision,
            self._categories,
            # A caller's HolidayBase is a mutable dict: it counts by identity.
            id(self._holidays) if self._holidays is not None else None,
            self._closed_dates,
            tuple(self._special_hours.items()),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        parts = [repr(self._timezone.key), repr(_format_weekly_hours(self._weekly))]
        if self._country is not None:
            parts.append(f"country={self._country!r}")
        if self._subdivision is not None:
            parts.append(f"subdivision={self._subdivision!r}")
        if self._categories is not None:
            parts.append(f"categories={self._categories!r}")
        if self._holidays is not None:
            parts.append(
                f"holidays=<{type(self._holidays).__module__}.{type(self._holidays).__name__}>"
            )
        if self._closed_dates:
            parts.append(f"closed_dates={sorted(day.isoformat() for day in self._closed_dates)!r}")
        if self._special_hours:
            special = {
                day.isoformat(): _format_day_hours(intervals)
                for day, intervals in self._special_hours.items()
            }
            parts.append(f"special_hours={special!r}")
        return f"BusinessCalendar({', '.join(parts)})"

    def __str__(self) -> str:
        """The calendar in words, as reports print it: its hours, zone and closed days.

        Examples:
            >>> print(BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE"))
            open mon-fri 09:00-17:00 in Europe/Berlin, closed on the public holidays of DE
            >>> print(BusinessCalendar("UTC", "mon-sun 00:00-24:00", closed_dates=["2024-12-24"]))
            open mon-sun 00:00-24:00 in UTC, closed on 1 other date
        """
        words = [f"open {_format_weekly_hours(self._weekly)} in {self._timezone.key}"]
        if self._country is not None:
            region = self._country + (f"-{self._subdivision}" if self._subdivision else "")
            words.append(f"closed on the public holidays of {region}")
        elif self._holidays is not None:
            words.append("closed on the holidays given")
        if self._closed_dates:
            count = len(self._closed_dates)
            words.append(f"closed on {count:,} other date{'s' if count > 1 else ''}")
        if self._special_hours:
            count = len(self._special_hours)
            words.append(f"special hours on {count:,} date{'s' if count > 1 else ''}")
        return ", ".join(words)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"BusinessCalendar is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"BusinessCalendar is immutable; cannot delete {name!r}")

    def __getstate__(self) -> dict[str, object]:
        # The caches and the lock are rebuilt on the other side, not shipped.
        return {
            "_timezone": self._timezone,
            "_weekly": self._weekly,
            "_country": self._country,
            "_subdivision": self._subdivision,
            "_categories": self._categories,
            "_holidays": self._holidays,
            "_closed_dates": self._closed_dates,
            "_special_hours": dict(self._special_hours),
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(
            self, "_special_hours", MappingProxyType(cast(dict[date, Any], state["_special_hours"]))
        )
        self._reset_cache()

    def _reset_cache(self) -> None:
        object.__setattr__(self, "_cache_lock", threading.Lock())
        object.__setattr__(self, "_holiday_dates", set())
        object.__setattr__(self, "_holiday_years", set())
        object.__setattr__(self, "_year_intervals", {})
        object.__setattr__(self, "_table", None)

    # -- answering ---------------------------------------------------------------------------

    def business_seconds(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Open seconds in each ``[starts[i], ends[i])``, for whole arrays at once.

        Args:
            starts: UTC instants as ``datetime64`` values, or int64 epoch nanoseconds.
            ends: The same, one per start, in the same shape.

        Returns:
            float64 seconds, shaped like ``starts``. Each is computed exactly in integer nanoseconds
                and converted once at the end.

        Raises:
            InvalidParameterError: If the shapes differ, a value is NaT or not an instant, or an
                end is before its start (the message names the first such index).
        """
        seconds: npt.NDArray[np.float64] = self._business(
            "BusinessCalendar.business_seconds", starts, ends, in_seconds=True
        )
        return seconds

    def business_nanoseconds(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> npt.NDArray[np.int64]:
        """Open nanoseconds in each ``[starts[i], ends[i])``, exact, as int64.

        Takes the same arguments as
        [`business_seconds`][socialcare_metrics.BusinessCalendar.business_seconds].
        """
        nanoseconds: _UInt64Array = self._business(
            "BusinessCalendar.business_nanoseconds", starts, ends, in_seconds=False
        )
        if nanoseconds.size and nanoseconds.max() > _INT64_MAX:
            raise InvalidParameterError(
                "BusinessCalendar.business_nanoseconds",
                "ends",
                "within 292 years of starts, so the result fits in int64",
                "a longer span",
            )
        return nanoseconds.view(np.int64)

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Open time in ``[start, end)`` as a ``timedelta``; both must be timezone-aware.

        Examples:
            >>> from datetime import datetime, timezone
            >>> calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
            >>> calendar.business_time(  # a Saturday message answered on Monday at 10:30
            ...     datetime(2024, 6, 8, 10, 0, tzinfo=UTC),
            ...     datetime(2024, 6, 10, 10, 30, tzinfo=UTC),
            ... )
            datetime.timedelta(seconds=5400)
        """
        function = "BusinessCalendar.business_time"
        start_ns = _instant_ns(start, function=function, parameter="start")
        end_ns = _instant_ns(end, function=function, parameter="end")
        result: _UInt64Array = self._business(
            function,
            np.array([start_ns], dtype=np.int64),
            np.array([end_ns], dtype=np.int64),
            in_seconds=False,
        )
        # Every boundary is a whole microsecond, as are datetimes, so this division is exact.
        return timedelta(microseconds=int(result[0]) // 1000)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open time after ``start`` has passed.

        The inverse of [`business_time`][socialcare_metrics.BusinessCalendar.business_time]:
        ``business_time(start, add_business_time(start, d)) == d``, and the result is the
        earliest such instant, so a duration that runs out exactly at closing time gives the
        closing time, not the next opening. Closed time (nights, weekends, holidays) is skipped,
        and DST changes count as a clock on the wall shows them. A zero duration gives
        ``start`` itself. This is how an SLA target turns into a due time.

        Args:
            start: A timezone-aware datetime.
            duration: Open time to add, a ``timedelta`` >= 0.

        Returns:
            A datetime in the calendar's time zone.

        Examples:
            >>> from datetime import datetime, timedelta, timezone
            >>> calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
            >>> friday_4pm = datetime(2024, 6, 7, 16, 0, tzinfo=timezone.utc)
            >>> calendar.add_business_time(friday_4pm, timedelta(hours=2))  # Monday 10:00
            datetime.datetime(2024, 6, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo(key='UTC'))
        """
        function = "BusinessCalendar.add_business_time"
        start_ns = _instant_ns(start, function=function, parameter="start")
        if not isinstance(duration, timedelta) or duration < timedelta(0):
            raise InvalidParameterError(function, "duration", "a timedelta >= 0", duration)
        micros = (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
        if micros > _INT64_MAX // 1000:
            raise InvalidParameterError(
                function, "duration", "a timedelta shorter than 292 years", duration
            )
        due = self._add(
            function,
            "duration",
            np.array([start_ns], dtype=np.int64),
            np.array([micros * 1000], dtype=np.int64),
        )
        moment = _EPOCH + timedelta(microseconds=int(due[0]) // 1000)
        return moment.astimezone(self._timezone)

    def add_business_nanoseconds(
        self, starts: npt.ArrayLike, nanoseconds: npt.ArrayLike
    ) -> npt.NDArray[np.int64]:
        """`add_business_time` for whole arrays: each start plus its open nanoseconds, exact.

        Args:
            starts: UTC instants as ``datetime64`` values, or int64 epoch nanoseconds.
            nanoseconds: Open time to add to each start, integers >= 0, in the same shape.

        Returns:
            int64 epoch nanoseconds (UTC), shaped like ``starts``: for each pair the earliest
                instant ``t`` with ``business_nanoseconds(start, t) == nanoseconds``.
        """
        function = "BusinessCalendar.add_business_nanoseconds"
        starts_ns = _as_instants(starts, function=function, parameter="starts")
        try:
            amounts = np.asarray(nanoseconds)
        except (ValueError, TypeError):
            amounts = np.asarray(None)
        if amounts.dtype.kind not in "iu" or amounts.shape != starts_ns.shape:
            raise InvalidParameterError(
                function,
                "nanoseconds",
                f"an array of integers in the shape of starts {starts_ns.shape}",
                nanoseconds,
            )
        if amounts.size and (amounts.min() < 0 or amounts.max() > _INT64_MAX):
            index = int(np.argmax((amounts < 0) | (amounts > _INT64_MAX)))
            raise InvalidParameterError(
                function,
                "nanoseconds",
                f"integers >= 0 that fit in int64 (first not at index "
                f"{_index_text(amounts.shape, index)})",
                amounts.flat[index],
            )
        shape = starts_ns.shape
        if not starts_ns.size:
            return np.empty(shape, dtype=np.int64)
        flat = starts_ns.reshape(-1)
        if int(flat.min()) == _INT64_MIN:
            raise InvalidParameterError(function, "starts", "instants, not NaT", "NaT")
        return self._add(
            function, "nanoseconds", flat, amounts.reshape(-1).astype(np.int64)
        ).reshape(shape)

    def _add(
        self,
        function: str,
        parameter: str,
        starts: _Int64Array,
        amounts: _Int64Array,
        *,
        strict: bool = True,
    ) -> _Int64Array:
        """Each start plus its open nanoseconds: the earliest instant where the open time is used
        up. Widens the table of open intervals a few years at a time until every due time fits;
        one that never comes (before 2262, or after the last special hours of a calendar with no
        weekly hours) is an error, or ``NAT`` when not ``strict``."""
        first_year, last_year = self._years_for(int(starts.min()), int(starts.max()))
        stop = _LAST_YEAR
        if not any(self._weekly):
            stop = min(stop, max((day.year for day in self._special_hours), default=0) + 1)
        widened = False
        while True:
            table = self._table_for_years(first_year, last_year)
            lengths = table.ends - table.starts
            # The running sums below are int64: the table's open time must fit in one (its
            # intervals lie in int64 nanoseconds, so their uint64 sum is exact).
            if int(lengths.sum(dtype=np.uint64)) > _INT64_MAX:
                if widened:
                    raise InvalidParameterError(
                        function,
                        parameter,
                        "a duration the calendar's open hours use up within about 290 years "
                        "of open time of the earliest start",
                        int(amounts.max()),
                    )
                raise InvalidParameterError(
                    function,
                    "starts",
                    "instants within about 290 years of open time of each other",
                    "a wider span",
                )
            before = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
            np.cumsum(lengths, out=before[1:])
            # Open time from the table's first interval up to each start, and what is left after
            # it. Amounts are compared with what is left: adding them to what came before could
            # pass the largest int64.
            index = np.searchsorted(table.starts, starts, side="right") - 1
            at = np.maximum(index, 0)
            inside = np.minimum(starts, table.ends[at] if lengths.size else starts)
            opened = before[at] + (inside - table.starts[at]) if lengths.size else 0 * starts
            opened = np.where(index >= 0, opened, 0)
            left = before[-1] - opened
            reached = amounts <= left
            if bool(reached.all()):
                break
            if last_year >= stop:
                if not strict:
                    break
                late = int(np.argmax(~reached))
                raise InvalidParameterError(
                    function,
                    parameter,
                    f"a duration the calendar's open hours use up before {_LAST_INSTANT[:26]} UTC",
                    int(amounts[late]),
                )
            last_year = min(stop, last_year + 4)
            widened = True
        # The interval in which the target is reached: the first whose end reaches it.
        target = opened + np.minimum(amounts, left)
        k = np.searchsorted(before[1:], target, side="left")
        k = np.minimum(k, max(lengths.shape[0] - 1, 0))
        due = table.starts[k] + (target - before[k]) if lengths.size else starts.copy()
        due = np.where(reached, due, _INT64_MIN)  # never, when not strict
        return np.where(amounts == 0, starts, due).astype(np.int64)

    def is_open(self, t: datetime) -> bool:
        """Whether the calendar is open at ``t`` (intervals include their opening instant)."""
        instant = _instant_ns(t, function="BusinessCalendar.is_open", parameter="t")
        table = self._table_for(instant, instant)
        index = int(np.searchsorted(table.ends, instant, side="right"))
        return index < len(table.starts) and int(table.starts[index]) <= instant

    def next_open(self, t: datetime) -> datetime:
        """The earliest instant at or after ``t`` at which the calendar is open.

        This is where a message that arrives while closed starts counting. The result is in the
        calendar's time zone; ``t`` itself (converted) when the calendar is open at ``t``.

        Raises:
            InvalidParameterError: If the calendar never opens again (only special hours in the
                past) within the supported range, which ends in 2262.
        """
        function = "BusinessCalendar.next_open"
        instant = _instant_ns(t, function=function, parameter="t")
        first_year, last_year = self._years_for(instant, instant)
        stop = _LAST_YEAR
        if not any(self._weekly):
            stop = min(stop, max(day.year for day in self._special_hours) + 1)
        while True:
            table = self._table_for_years(first_year, last_year)
            index = int(np.searchsorted(table.ends, instant, side="right"))
            if index < len(table.starts):
                opening = max(instant, int(table.starts[index]))
                moment = _EPOCH + timedelta(microseconds=opening // 1000)
                return moment.astimezone(self._timezone)
            if last_year >= stop:
                expected = (
                    "a time whose next opening comes before the last instant the library holds, "
                    f"{_LAST_INSTANT[:26]} UTC"
                    if any(self._weekly)
                    else "a time before the calendar's last open interval"
                )
                raise InvalidParameterError(function, "t", expected, t)
            # Widen the window a few years at a time: closures rarely last long.
            last_year = min(stop, last_year + 4)

    # -- the machinery -----------------------------------------------------------------------

    def _business(
        self,
        function: str,
        starts: npt.ArrayLike,
        ends: npt.ArrayLike,
        *,
        in_seconds: bool,
    ) -> npt.NDArray[Any]:
        """Open time per pair: exact nanoseconds as uint64, or those divided once into seconds."""
        starts_ns = _as_instants(starts, function=function, parameter="starts")
        ends_ns = _as_instants(ends, function=function, parameter="ends")
        if starts_ns.shape != ends_ns.shape:
            raise InvalidParameterError(
                function,
                "ends",
                f"an array of the shape of starts {starts_ns.shape}",
                ends_ns.shape,
            )
        shape = starts_ns.shape
        flat_starts, flat_ends = starts_ns.reshape(-1), ends_ns.reshape(-1)
        result: npt.NDArray[Any] = np.empty(
            flat_starts.shape, dtype=np.float64 if in_seconds else np.uint64
        )
        if result.size == 0:
            return result.reshape(shape)
        low = int(flat_starts.min())
        if low == _INT64_MIN:
            index = int(np.argmin(flat_starts))
            raise InvalidParameterError(
                function,
                "starts",
                f"instants, not NaT (-2**63 as int64; first at index {_index_text(shape, index)})",
                low,
            )
        # If every end is before its start the loop below says so; the span just must not invert.
        table = self._table_for(low, max(low, int(flat_ends.max())))
        size = min(_SLICE, result.size)
        start_cum = np.empty(size, dtype=np.uint64)
        end_cum = np.empty(size if in_seconds else 0, dtype=np.uint64)
        buckets = np.empty(size, dtype=np.int64)
        gathered = np.empty(size, dtype=np.int64)
        for begin in range(0, result.size, size):
            stop = min(begin + size, result.size)
            some_starts, some_ends = flat_starts[begin:stop], flat_ends[begin:stop]
            backwards = some_ends < some_starts
            if backwards.any():
                index = begin + int(np.argmax(backwards))
                if flat_ends[index] == _INT64_MIN:
                    raise InvalidParameterError(
                        function,
                        "ends",
                        "instants, not NaT "
                        f"(-2**63 as int64; first at index {_index_text(shape, index)})",
                        _INT64_MIN,
                    )
                raise InvalidParameterError(
                    function,
                    "ends",
                    "at or after starts at every index "
                    f"(first end before its start at index {_index_text(shape, index)})",
                    np.datetime64(int(flat_ends[index]), "ns"),
                )
            count = stop - begin
            table.cumulative(some_starts, start_cum[:count], buckets[:count], gathered[:count])
            # Nanoseconds go straight into the result; seconds pass through a buffer first.
            out: _UInt64Array = end_cum[:count] if in_seconds else result[begin:stop]
            table.cumulative(some_ends, out, buckets[:count], gathered[:count])
            np.subtract(out, start_cum[:count], out=out)
            if in_seconds:
                np.divide(out, 1e9, out=result[begin:stop])
        return result.reshape(shape)

    def _years_for(self, low: int, high: int) -> tuple[int, int]:
        """Local years whose intervals can touch ``[low, high]``: a night shift of the day
        before the first one reaches into it."""
        first = _local_date(low, self._timezone) - timedelta(days=1)
        last = _local_date(high, self._timezone)
        return first.year, last.year

    def _table_for(self, low: int, high: int) -> _OpenTable:
        return self._table_for_years(*self._years_for(low, high))

    def _table_for_years(self, first_year: int, last_year: int) -> _OpenTable:
        table = self._table
        if table is not None and table.covers(first_year, last_year):
            return table
        with self._cache_lock:
            table = self._table
            if table is not None:
                if table.covers(first_year, last_year):
                    return table
                first_year = min(first_year, table.first_year)
                last_year = max(last_year, table.last_year)
            starts: list[int] = []
            ends: list[int] = []
            for year in range(first_year, last_year + 1):
                year_starts, year_ends = self._intervals_of_year(year)
                starts += year_starts
                ends += year_ends
            merged_starts, merged_ends = _merge(starts, ends)
            table = _OpenTable(first_year, last_year, merged_starts, merged_ends)
            object.__setattr__(self, "_table", table)
            return table

    def _intervals_of_year(self, year: int) -> tuple[list[int], list[int]]:
        """UTC epoch ns of the intervals that start on the local dates of ``year``."""
        cached = self._year_intervals.get(year)
        if cached is not None:
            return cached
        zone = self._timezone
        starts: list[int] = []
        ends: list[int] = []
        day = date(year, 1, 1)
        one_day = timedelta(days=1)
        overridden_next = self._is_overridden(day)
        while day.year == year:
            overridden_today = overridden_next
            following = day + one_day
            overridden_next = self._is_overridden(following)
            intervals = self._special_hours.get(day)
            # A closed day still starts its weekday's night shifts: their part after midnight,
            # on the next day, can be open.
            closed_today = intervals is None and overridden_today
            if intervals is None:
                intervals = self._weekly[day.weekday()]
            midnight = datetime(day.year, day.month, day.day)
            # Each local day's wall clock is read on its own: a night shift is its part before
            # midnight on this day and its part after midnight on the next, which the next
            # day's own definition governs when it is overridden. Each part stays between its
            # day's midnights, which matters only for a day a zone skips whole (Apia, 30
            # December 2011): its times all move forward into the next day, and it has none.
            pieces: list[tuple[int, int, int]] = []
            for start, end in intervals:
                if not closed_today:
                    pieces.append((start, min(end, _US_PER_DAY), 0))
                if end > _US_PER_DAY and not overridden_next:
                    pieces.append((_US_PER_DAY, end, 1))
            if pieces:
                # The instants of this day's midnight, the next and the one after.
                bounds = [_wall_to_ns(midnight, k * _US_PER_DAY, zone) for k in range(3)]
            for piece_start, piece_end, which_day in pieces:
                start_ns = max(_wall_to_ns(midnight, piece_start, zone), bounds[which_day])
                end_ns = min(_wall_to_ns(midnight, piece_end, zone), bounds[which_day + 1])
                # A spring-forward gap can swallow an interval whole (02:15-02:45).
                if end_ns > start_ns:
                    starts.append(start_ns)
                    ends.append(end_ns)
            day = following
        self._year_intervals[year] = (starts, ends)
        return starts, ends

    def _is_overridden(self, day: date) -> bool:
        """Whether ``day``'s local day follows its own rule: special hours, or closed."""
        return day in self._special_hours or day in self._closed_dates or self._is_holiday(day)

    def _is_holiday(self, day: date) -> bool:
        if self._holidays is not None:
            return day in self._holidays
        if self._country is None:
            return False
        if day.year not in self._holiday_years:
            # Observed days can fall in a neighbouring year (1 January on a Saturday is observed
            # on 31 December before it), so the years either side are generated too.
            import holidays as holidays_package

            for year in range(max(day.year - 1, 1), min(day.year + 1, 9999) + 1):
                if year in self._holiday_years:
                    continue
                generated = holidays_package.country_holidays(
                    self._country,
                    subdiv=self._subdivision,
                    categories=self._categories,
                    years=year,
                )
                self._holiday_dates.update(generated)
                self._holiday_years.add(year)
        return day in self._holiday_dates


def _parse_categories(categories: object) -> tuple[str, ...] | None:
    """Holiday category names, sorted and without repeats; ``None`` for the package's default."""
    if categories is None:
        return None
    if isinstance(categories, str):
        return (categories,)
    expected = "holiday category names, such as 'public' or ('public', 'optional')"
    if not isinstance(categories, Iterable) or isinstance(categories, bytes | bytearray):
        raise InvalidParameterError("BusinessCalendar", "categories", expected, categories)
    names = list(categories)
    if not all(isinstance(name, str) for name in names):
        raise InvalidParameterError("BusinessCalendar", "categories", expected, categories)
    if not names:
        # An empty collection would quietly mean the package's default, not "no holidays".
        raise InvalidParameterError(
            "BusinessCalendar",
            "categories",
            "at least one holiday category, or None for the package's default",
            categories,
        )
    return tuple(sorted(set(names)))


def _parse_closed_dates(closed_dates: object) -> frozenset[date]:
    """The caller's closed dates: a collection of dates, one date, or ``None`` for none."""
    function, parameter = "BusinessCalendar", "closed_dates"
    if closed_dates is None:
        return frozenset()
    if isinstance(closed_dates, str | date):
        # One date on its own; a string must not be read character by character.
        return frozenset({_parse_date(closed_dates, function=function, parameter=parameter)})
    if not isinstance(closed_dates, Iterable) or isinstance(closed_dates, bytes | bytearray):
        raise InvalidParameterError(
            function,
            parameter,
            "a date, an ISO date 'YYYY-MM-DD', or a collection of them",
            closed_dates,
        )
    return frozenset(
        _parse_date(item, function=function, parameter=parameter) for item in closed_dates
    )


def _check_country(
    country: object, subdivision: object, categories: tuple[str, ...] | None
) -> None:
    import holidays as holidays_package

    function = "BusinessCalendar"
    supported = holidays_package.list_supported_countries()
    if not isinstance(country, str) or country not in supported:
        raise InvalidParameterError(
            function,
            "country",
            "a country code of the holidays package, such as 'US', 'DE' or 'IN'",
            country,
        )
    codes = supported[country]
    shown = ", ".join(codes[:10]) + (", ..." if len(codes) > 10 else "")
    bad_subdivision = InvalidParameterError(
        function,
        "subdivision",
        f"a subdivision of {country} ({shown})" if codes else f"None: {country} has none",
        subdivision,
    )
    # The package would read an empty code as none and fail on a list with a TypeError.
    if subdivision is not None and not (isinstance(subdivision, str) and subdivision):
        raise bad_subdivision
    try:
        holidays_package.country_holidays(country, subdiv=subdivision, categories=categories)
    except NotImplementedError:
        raise bad_subdivision from None
    except ValueError:
        raise InvalidParameterError(
            function, "categories", f"holiday categories of {country}", categories
        ) from None


def _wall_to_ns(midnight: datetime, offset_us: int, zone: ZoneInfo) -> int:
    """UTC epoch ns of a local wall-clock time, ``offset_us`` after a local midnight.

    ``fold=0`` gives exactly the calendar's rules for such times: a time in a spring-forward gap is
    read with the offset before the change, which moves it forward by the gap; a time that occurs
    twice is its first occurrence. Results outside int64 are clamped: they lie beyond any instant a
    query holds.
    """
    wall = (midnight + timedelta(microseconds=offset_us)).replace(tzinfo=zone)
    nanoseconds = (wall - _EPOCH) // _ONE_US * 1000
    return min(max(nanoseconds, _INT64_MIN), _INT64_MAX)


def _merge(starts: list[int], ends: list[int]) -> tuple[_Int64Array, _Int64Array]:
    """The union of intervals as sorted, disjoint, non-touching intervals.

    DST can make two intervals of one day overlap (02:30 moves to 03:30, past a 03:00 opening)
    and a night shift can meet the next day's opening; both become one interval.
    """
    start_array = np.array(starts, dtype=np.int64)
    end_array = np.array(ends, dtype=np.int64)
    order = np.argsort(start_array, kind="stable")
    start_array, end_array = start_array[order], end_array[order]
    if len(start_array) == 0:
        return start_array, end_array
    reach = np.maximum.accumulate(end_array)
    # A new interval begins where a start lies beyond everything before it.
    begins = np.concatenate([[True], start_array[1:] > reach[:-1]])
    first_index = np.flatnonzero(begins)
    last_index = np.concatenate([first_index[1:] - 1, [len(start_array) - 1]])
    return start_array[first_index], reach[last_index]
