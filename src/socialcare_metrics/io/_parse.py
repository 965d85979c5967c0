"""Vectorised parsers for loader columns: integers and timestamps straight from byte matrices,
ISO 8601 strings, and naive local times placed in a time zone."""

from __future__ import annotations

from datetime import UTC as _UTC
from datetime import datetime, timedelta, tzinfo
from typing import Final

import numpy as np

from .._core.time import NAT, datetime_to_ns
from .._core.typing import BoolArray, Int64Array, UInt8Array

_ZERO: Final = 48


_NS: Final = 1_000_000_000


#: Integers with more digits than this are parsed one by one (int64 holds every 18-digit number).
MAX_FAST_DIGITS: Final = 18


TWITTER_TIME_FORMAT: Final = "%a %b %d %H:%M:%S %z %Y"


_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _names_key(names: tuple[str, ...]) -> tuple[Int64Array, Int64Array]:
    keys = np.array(
        [(ord(name[0]) << 16) | (ord(name[1]) << 8) | ord(name[2]) for name in names],
        dtype=np.int64,
    )
    order = np.argsort(keys)
    return keys[order], order.astype(np.int64)


_MONTH_KEYS, _MONTH_NUMBER = _names_key(_MONTHS)


_WEEKDAY_KEYS, _ = _names_key(_WEEKDAYS)


def _lookup(keys: Int64Array, table: Int64Array) -> tuple[Int64Array, BoolArray]:
    at = np.minimum(np.searchsorted(table, keys), table.shape[0] - 1)
    return at, table[at] == keys


def parse_uint(matrix: UInt8Array, lengths: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Non-negative integers written in decimal, optionally as a float with a zero fraction
    (``3.0``, as pandas writes an integer column that has missing values).

    Returns the values and which rows parsed; empty values do not parse. Values with more than
    `MAX_FAST_DIGITS` digits do not parse here (the caller handles them one by one).
    """
    n, width = matrix.shape
    if n == 0 or width == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    is_dot = matrix == 46
    has_dot = is_dot.any(axis=1)
    digits_len = np.where(has_dot, np.argmax(is_dot, axis=1), lengths)
    ok = (digits_len > 0) & (digits_len <= MAX_FAST_DIGITS) & (lengths <= width)
    ok &= ~(has_dot & (lengths == digits_len + 1))  # "3." is not a number we accept
    values = np.zeros(n, dtype=np.int64)
    for j in range(min(width, MAX_FAST_DIGITS + 1)):
        column = matrix[:, j]
        in_int = j < digits_len
        digit = column.astype(np.int64) - _ZERO
        ok &= ~in_int | ((digit >= 0) & (digit <= 9))
        values = np.where(in_int, values * 10 + digit, values)
    # After the dot only zeros may follow ("3.0", "3.00").
    position = np.arange(width, dtype=np.int64)[None, :]
    fraction = (position > digits_len[:, None]) & (position < lengths[:, None])
    if has_dot.any():
        ok &= ~np.any(fraction & (matrix != _ZERO), axis=1)
    return np.where(ok, values, 0), ok


def parse_uint_text(value: str) -> int | None:
    """The slow path of `parse_uint` for one value; None when it is not an integer id."""
    text = value.strip()
    whole, dot, fraction = text.partition(".")
    if (
        not whole.isdigit()
        or not whole.isascii()
        or (dot and (not fraction or fraction.strip("0")))
    ):
        return None
    return int(whole)


def parse_twitter_times(matrix: UInt8Array, lengths: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Timestamps like ``Tue Oct 31 22:10:47 +0000 2017`` (``%a %b %d %H:%M:%S %z %Y``).

    The format has fixed width, so every field sits at a known byte offset: the digits are read
    with array arithmetic and the date is turned into days with numpy's calendar. Rows that do
    not fit the fixed layout are returned as not parsed; the caller tries ``strptime`` on them.
    """
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if matrix.shape[1] < 30:
        return np.full(n, NAT, dtype=np.int64), np.zeros(n, dtype=bool)
    m = matrix

    def digit(i: int) -> Int64Array:
        return m[:, i].astype(np.int64) - _ZERO

    def num(*at: int) -> Int64Array:
        out = np.zeros(n, dtype=np.int64)
        for i in at:
            out = out * 10 + digit(i)
        return out

    def key3(at: int) -> Int64Array:
        c = m[:, at : at + 3].astype(np.int64)
        return (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]

    digit_at = [8, 9, 11, 12, 14, 15, 17, 18, 21, 22, 23, 24, 26, 27, 28, 29]
    # In uint8, bytes below "0" wrap around to large values: one comparison checks both ends.
    ok = (lengths == 30) & np.all(m[:, digit_at] - np.uint8(_ZERO) <= 9, axis=1)
    ok &= np.all(m[:, [3, 7, 10, 19, 25]] == 32, axis=1)
    ok &= (m[:, 13] == 58) & (m[:, 16] == 58)
    sign = m[:, 20]
    ok &= (sign == 43) | (sign == 45)
    month_at, month_ok = _lookup(key3(4), _MONTH_KEYS)
    _, weekday_ok = _lookup(key3(0), _WEEKDAY_KEYS)
    ok &= month_ok & weekday_ok
    year, day = num(26, 27, 28, 29), num(8, 9)
    hour, minute, second = num(11, 12), num(14, 15), num(17, 18)
    off_h, off_m = num(21, 22), num(23, 24)
    ok &= (hour < 24) & (minute < 60) & (second < 60) & (off_h < 24) & (off_m < 60) & (day >= 1)
    month = np.where(ok, _MONTH_NUMBER[month_at], 0)
    year = np.where(ok, year, 1970)
    first_of_month = ((year - 1970) * 12 + month).astype("datetime64[M]")
    days = first_of_month.astype("datetime64[D]").astype(np.int64) + np.where(ok, day, 1) - 1
    # Day 31 of a 30-day month rolls into the next month: that is not a date.
    ok &= days.astype("datetime64[D]").astype("datetime64[M]") == first_of_month
    offset = np.where(sign == 45, -1, 1) * (off_h * 3600 + off_m * 60)
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    return np.where(ok, seconds * _NS, NAT), ok


def parse_twitter_time_text(value: str) -> int | None:
    """The slow path of `parse_twitter_times` for one value, with ``strptime``."""
    try:
        return datetime_to_ns(datetime.strptime(value.strip(), TWITTER_TIME_FORMAT))
    except ValueError:
        return None


def parse_iso_times(values: list[str]) -> tuple[Int64Array, BoolArray, BoolArray, BoolArray]:
    """ISO 8601 timestamps: ``2024-05-06T10:00:00``, with ``Z`` or a ``+02:00`` offset or none.

    Returns (ns, ok, naive, empty): epoch nanoseconds (for naive values, the wall time read as if
    it were UTC: the caller places them in a time zone), which values parsed, which had no offset,
    and which were empty.
    """
    n = len(values)
    out = np.full(n, NAT, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    cache: dict[str, tuple[int, bool] | None] = {}
    for i, raw in enumerate(values):
        text = raw.strip()
        if not text:
            empty[i] = True
            continue
        if text in cache:
            hit = cache[text]
        else:
            hit = _parse_iso_one(text)
            if len(cache) < 100_000:
                cache[text] = hit
        if hit is None:
            continue
        out[i], naive[i] = hit
        ok[i] = True
    return out, ok, naive, empty


def _parse_iso_one(text: str) -> tuple[int, bool] | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return datetime_to_ns(value.replace(tzinfo=_UTC)), True
    return datetime_to_ns(value), False


def parse_iso_times_fast(values: list[str]) -> tuple[Int64Array, BoolArray, BoolArray, BoolArray]:
    """`parse_iso_times` with a numpy fast path for columns that are all alike.

    When every value is a naive ISO timestamp, or every value ends in ``Z`` or one same offset,
    numpy parses the whole column at once; anything else goes value by value.
    """
    n = len(values)
    if n == 0:
        return parse_iso_times(values)
    first = values[0].strip()
    suffix = ""
    if first.endswith(("Z", "z")):
        suffix = first[-1]
    elif len(first) > 16 and first[-6] in "+-" and first[-3] == ":":
        suffix = first[-6:]
    try:
        array = np.array(values, dtype=str)
        if suffix:
            if not bool(np.all(np.strings.endswith(array, suffix))):
                raise ValueError
            array = np.strings.slice(array, 0, -len(suffix))
        if bool(np.any(np.strings.str_len(array) < 10)) or bool(
            np.any(np.strings.find(array, "a") >= 0) | np.any(np.strings.find(array, "A") >= 0)
        ):
            raise ValueError  # "NaT", "nat" and empty strings are not timestamps
        # numpy reads "T" or " " between date and time, and fractions down to nanoseconds.
        ns = array.astype("datetime64[ns]").view(np.int64)
    except ValueError:
        return parse_iso_times(values)
    if bool(np.any(ns == NAT)):
        return parse_iso_times(values)
    offset = 0
    if suffix not in ("", "Z", "z"):
        sign = -1 if suffix[0] == "-" else 1
        offset = sign * (int(suffix[1:3]) * 3600 + int(suffix[4:6])) * _NS
    ok = np.ones(n, dtype=bool)
    return ns - offset, ok, np.full(n, not suffix), np.zeros(n, dtype=bool)


_BUCKET: Final = 900 * _NS  # quarter hours: every modern UTC offset change falls on one


def localize(wall_ns: Int64Array, zone: tzinfo) -> Int64Array:
    """Read naive wall-clock times (as epoch ns of the same wall time in UTC) in ``zone``.

    Ambiguous times (a fall-back hour) take their first occurrence and times that do not exist
    (a spring-forward gap) move forward by the gap, as ``datetime`` with ``fold=0`` does. The
    offset is looked up once per quarter hour of wall time the data touches; a quarter hour in
    which the offset changes is resolved value by value.
    """
    if wall_ns.shape[0] == 0:
        return wall_ns.copy()
    bucket = np.floor_divide(wall_ns, _BUCKET)
    unique, inverse = np.unique(bucket, return_inverse=True)
    start_off = np.empty(unique.shape[0], dtype=np.int64)
    end_off = np.empty(unique.shape[0], dtype=np.int64)
    epoch = datetime(1970, 1, 1)
    for i, b in enumerate(unique.tolist()):
        begin = epoch + timedelta(microseconds=b * (_BUCKET // 1000))
        start_off[i] = _offset_ns(begin, zone)
        end_off[i] = _offset_ns(begin + timedelta(microseconds=_BUCKET // 1000 - 1), zone)
    offsets = start_off[inverse]
    mixed = np.flatnonzero((start_off != end_off)[inverse])
    for i in mixed.tolist():
        micros = int(wall_ns[i]) // 1000
        offsets[i] = _offset_ns(epoch + timedelta(microseconds=micros), zone)
    return wall_ns - offsets


def _offset_ns(wall: datetime, zone: tzinfo) -> int:
    delta = wall.replace(tzinfo=zone).utcoffset()
    if delta is None:
        return 0
    return (delta.days * 86_400 + delta.seconds) * _NS + delta.microseconds * 1000
