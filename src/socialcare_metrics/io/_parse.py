"""Vectorised parsers for loader columns: integers and timestamps straight from byte matrices,
ISO 8601 strings, and naive local times placed in a time zone."""

from __future__ import annotations

import re
import warnings
from datetime import UTC as _UTC
from datetime import datetime, timedelta, tzinfo
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from .._core.time import NAT, unchecked_ns
from .._core.typing import BoolArray, Int64Array, UInt8Array

_ZERO: Final = 48


_NS: Final = 1_000_000_000


#: Integers with more digits than this are parsed one by one (int64 holds every 18-digit number).
MAX_FAST_DIGITS: Final = 18


#: The earliest and the latest instant the table holds, in epoch nanoseconds (int64; its smallest
#: value, NAT, stands for "no time").
MIN_NS: Final = NAT + 1


MAX_NS: Final = int(np.iinfo(np.int64).max)


#: What a time outside [MIN_NS, MAX_NS] is told it should be.
TIME_RANGE: Final = (
    "a time from 1677-09-21 00:12:43.145224193 to 2262-04-11 23:47:16.854775807 UTC "
    "(the range of int64 nanoseconds since 1970)"
)


def in_time_range(ns: int) -> bool:
    """Whether an instant in epoch nanoseconds (a Python int) fits the table's int64 column."""
    return MIN_NS <= ns <= MAX_NS


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
    # Rows of digits only (the usual case) are read by numpy's own conversion of byte strings,
    # in C; the others by the digit arithmetic below.
    within = np.arange(width, dtype=np.int64)[None, :] < lengths[:, None]
    plain = (
        np.all((matrix - np.uint8(_ZERO) <= 9) | ~within, axis=1)  # uint8 wraps below "0"
        & (lengths > 0)
        & (lengths <= min(width, MAX_FAST_DIGITS))
    )
    values = np.zeros(n, dtype=np.int64)
    if plain.any():
        # With the bytes after each value zeroed, the byte strings end where the values do.
        digits = np.where(within, matrix, np.uint8(0))
        if width <= 8:
            values[plain] = _eight_digits(digits, lengths)[plain]
        else:
            text = digits.view(f"S{width}").ravel()
            values[plain] = (
                text[plain].astype(np.int64) if not plain.all() else text.astype(np.int64)
            )
    rest = np.flatnonzero(~plain & (lengths > 0))  # empty values do not parse
    if rest.size:
        values[rest], plain[rest] = _parse_uint_digits(matrix[rest], lengths[rest])
    return values, plain


_ASCII_ZEROS: Final = np.uint64(0x3030303030303030)


def _eight_digits(digits: UInt8Array, lengths: Int64Array) -> Int64Array:
    """`eight_digit_values` of a matrix of up to 8 columns (each row's digits first, zero bytes
    after them)."""
    n, width = digits.shape
    words = np.zeros((n, 8), dtype=np.uint8)
    words[:, :width] = digits
    return eight_digit_values(words.view("<u8").ravel(), lengths)


def _aligned(words: npt.NDArray[np.uint64], lengths: Int64Array) -> npt.NDArray[np.uint64]:
    """Each word's first ``length`` bytes moved to its end, "0" before them: eight characters
    that read as the same number."""
    shift = ((8 - np.clip(lengths, 1, 8)) * 8).astype(np.uint64)
    with np.errstate(over="ignore"):
        filler = _ASCII_ZEROS & ((np.uint64(1) << shift) - np.uint64(1))
        aligned: npt.NDArray[np.uint64] = (words << shift) | filler
    return aligned


def eight_digit_words(words: npt.NDArray[np.uint64], lengths: Int64Array) -> BoolArray:
    """Which values are 1 to 8 decimal digits: ``words`` hold each value's first 8 bytes
    (little-endian, the bytes past its end zero), ``lengths`` its length in bytes."""
    aligned = _aligned(words, lengths)
    high = np.uint64(0xF0F0F0F0F0F0F0F0)
    # Each byte is 0x30-0x39: its high half is 3, and adding 6 keeps it so (no byte carries).
    with np.errstate(over="ignore"):
        digits = ((aligned & high) == _ASCII_ZEROS) & (
            ((aligned + np.uint64(0x0606060606060606)) & high) == _ASCII_ZEROS
        )
    return digits & (lengths >= 1) & (lengths <= 8)  # type: ignore[no-any-return]


def eight_digit_values(words: npt.NDArray[np.uint64], lengths: Int64Array) -> Int64Array:
    """The values of up to 8 decimal digits held in ``words`` (see `eight_digit_words`; rows
    that are not such values give meaningless numbers), 8 digits at a time.

    Each word's digits are moved to its end, "0" put before them, and the eight digits
    combined in pairs, then fours, then all eight with a few multiplications (the "SWAR"
    method of parsing eight ASCII digits at once).
    """
    word = _aligned(words, lengths)
    with np.errstate(over="ignore"):
        word = word - _ASCII_ZEROS
        word = word * np.uint64(10) + (word >> np.uint64(8))
        pairs = np.uint64(0x000000FF000000FF)
        word = (
            (word & pairs) * np.uint64(100 + (1_000_000 << 32))
            + ((word >> np.uint64(16)) & pairs) * np.uint64(1 + (10_000 << 32))
        ) >> np.uint64(32)
    return word.astype(np.int64)


def _parse_uint_digits(matrix: UInt8Array, lengths: Int64Array) -> tuple[Int64Array, BoolArray]:
    """`parse_uint` with array arithmetic over the digits, for values with a dot too."""
    n, width = matrix.shape
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
    """The slow path of `parse_uint` for one value; None when it is not an integer id.

    A number of more than 19 digits (leading zeros aside) is None too: no int64 holds it, and
    Python refuses to convert one of thousands of digits.
    """
    text = value.strip()
    whole, dot, fraction = text.partition(".")
    if (
        not whole.isdigit()
        or not whole.isascii()
        or (dot and (not fraction or fraction.strip("0")))
        or len(whole.lstrip("0")) > 19
    ):
        return None
    return int(whole)


#: Where the digits of ``Tue Oct 31 22:10:47 +0000 2017`` are: day, hour, minute, second,
#: offset hours and minutes, year.
_TWITTER_DIGITS: Final = np.array([8, 9, 11, 12, 14, 15, 17, 18, 21, 22, 23, 24, 26, 27, 28, 29])


#: Years whose months `parse_twitter_times` reads by table (those int64 nanoseconds hold, and
#: more); others go to the slow path, which reads any year and says whether the table holds it.
_FIRST_YEAR: Final = 1600


_LAST_YEAR: Final = 2400


#: Days since 1970-01-01 of the first day of each month from January of `_FIRST_YEAR` to
#: January after `_LAST_YEAR`.
_MONTH_STARTS: Final = (
    np.arange(np.datetime64(f"{_FIRST_YEAR}-01", "M"), np.datetime64(f"{_LAST_YEAR + 1}-02", "M"))
    .astype("datetime64[D]")
    .astype(np.int64)
)


def _days(year: Int64Array, month: Int64Array, day: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Days since 1970-01-01 of dates, from the table of months, and which are dates: a month
    of the years the table holds (1600 to 2400) and a day that month has (not 31 November)."""
    index = (year - _FIRST_YEAR) * 12 + month - 1
    ok = (month >= 1) & (month <= 12) & (day >= 1)
    ok &= (index >= 0) & (index < _MONTH_STARTS.shape[0] - 1)
    index = np.where(ok, index, 0)
    starts = _MONTH_STARTS[index]
    ok &= day <= _MONTH_STARTS[index + 1] - starts
    days: Int64Array = starts + day - 1
    return days, ok


def parse_twitter_times(matrix: UInt8Array, lengths: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Timestamps like ``Tue Oct 31 22:10:47 +0000 2017`` (``%a %b %d %H:%M:%S %z %Y``).

    The format has fixed width, so every field sits at a known byte offset: the digits are read
    with array arithmetic and the date is turned into days with a table of months. Rows that do
    not fit the fixed layout are returned as not parsed; the caller tries ``strptime`` on them.
    """
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if matrix.shape[1] < 30:
        return np.full(n, NAT, dtype=np.int64), np.zeros(n, dtype=bool)
    m = matrix

    def key3(at: int) -> Int64Array:
        c = m[:, at : at + 3].astype(np.int64)
        return (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]

    # Every digit at once; in uint8, bytes below "0" wrap around to large values, so one
    # comparison checks both ends.
    digits = m[:, _TWITTER_DIGITS] - np.uint8(_ZERO)
    ok = (lengths == 30) & np.all(digits <= 9, axis=1)
    ok &= np.all(m[:, [3, 7, 10, 19, 25]] == 32, axis=1)
    ok &= (m[:, 13] == 58) & (m[:, 16] == 58)
    sign = m[:, 20]
    ok &= (sign == 43) | (sign == 45)
    month_at, month_ok = _lookup(key3(4), _MONTH_KEYS)
    _, weekday_ok = _lookup(key3(0), _WEEKDAY_KEYS)
    ok &= month_ok & weekday_ok
    # Two-digit fields: day, hour, minute, second, offset hours and minutes, the year's halves.
    pairs = digits.astype(np.int64)
    pairs = pairs[:, 0::2] * 10 + pairs[:, 1::2]
    day, hour, minute, second = pairs[:, 0], pairs[:, 1], pairs[:, 2], pairs[:, 3]
    off_h, off_m = pairs[:, 4], pairs[:, 5]
    year = pairs[:, 6] * 100 + pairs[:, 7]
    ok &= (hour < 24) & (minute < 60) & (second < 60) & (off_h < 24) & (off_m < 60) & (day >= 1)
    days, dated = _days(year, _MONTH_NUMBER[month_at] + 1, day)
    ok &= dated
    offset = np.where(sign == 45, -1, 1) * (off_h * 3600 + off_m * 60)
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    # Four-digit years reach past what int64 nanoseconds hold: those go to the slow path, which
    # says so.
    ok &= (seconds >= -(MAX_NS // _NS)) & (seconds <= MAX_NS // _NS)
    return np.where(ok, seconds * _NS, NAT), ok


def parse_twitter_time_text(value: str) -> int | None:
    """The slow path of `parse_twitter_times` for one value, with ``strptime``.

    The instant may be outside what the table holds (see `in_time_range`).
    """
    try:
        return unchecked_ns(datetime.strptime(value.strip(), TWITTER_TIME_FORMAT))
    except ValueError:
        return None


#: (ns, parsed, naive, empty, outside) for a column of ISO 8601 timestamps (`parse_iso_times`).
ParsedTimes: TypeAlias = tuple[Int64Array, BoolArray, BoolArray, BoolArray, BoolArray]


def parse_iso_times(values: list[str]) -> ParsedTimes:
    """ISO 8601 timestamps: ``2024-05-06T10:00:00``, with ``Z`` or a ``+02:00`` offset or none.

    Each value is read on its own. Returns (ns, parsed, naive, empty, outside): epoch nanoseconds
    (for naive values, the wall time read as if it were UTC: the caller places them in a time
    zone), which values parsed, which had no offset, which were empty, and which parsed but lie
    outside what int64 nanoseconds hold (NAT in ``ns``).
    """
    n = len(values)
    out = np.full(n, NAT, dtype=np.int64)
    parsed = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    cache: dict[str, tuple[int, bool] | None] = {}
    for i, raw in enumerate(values):
        text = raw.strip()
        if not text:
            empty[i] = True
            continue
        if text in cache:
            hit = cache[text]
        else:
            hit = parse_iso_text(text)
            if len(cache) < 100_000:
                cache[text] = hit
        if hit is None:
            continue
        ns, naive[i] = hit
        parsed[i] = True
        if in_time_range(ns):
            out[i] = ns
        else:
            outside[i] = True
    return out, parsed, naive, empty, outside


def parse_iso_text(text: str) -> tuple[int, bool] | None:
    """One ISO 8601 timestamp: (epoch ns, naive), or None. The ns may be out of range.

    Digits of a second past the sixth (which ``datetime`` drops) are kept, down to nanoseconds.
    """
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    fraction = _FRACTION.search(text)
    below_micro = int(fraction.group(1)[:3].ljust(3, "0")) if fraction else 0
    if value.tzinfo is None or value.utcoffset() is None:
        return unchecked_ns(value.replace(tzinfo=_UTC)) + below_micro, True
    return unchecked_ns(value) + below_micro, False


#: The fraction of a second of an ISO 8601 time, when it has more digits than a datetime keeps.
_FRACTION: Final = re.compile(r"\d:\d\d[.,]\d{6}(\d+)")


_ISO_BODY_CHARS: Final = np.zeros(128, dtype=bool)
_ISO_BODY_CHARS[[ord(c) for c in "0123456789-:.T "]] = True


def _plain_iso_bodies(codes: npt.NDArray[np.uint32]) -> bool:
    """Whether every row of ``codes`` (all of one length) passes `_plain_iso_rows`."""
    counts = np.bincount(codes.ravel())  # how often each character occurs
    if counts.shape[0] > 128:
        return False  # a character that is not ASCII
    return (
        not bool(np.any(counts[~_ISO_BODY_CHARS[: counts.shape[0]]]))
        and not bool(np.any(codes[:, 10:] == 45))
        and not bool(np.any(codes[:, 0] == 32))
        and not bool(np.any(codes[:, -1] == 32))
    )


def _iso_ns_by_digits(codes: npt.NDArray[np.uint32]) -> Int64Array | None:
    """Epoch ns of timestamps all written ``YYYY-MM-DD[Thh:mm[:ss[.fffffffff]]]`` (a ``T`` or a
    space between date and time), counted from their digits; None when a value is written
    otherwise or is no valid date and time, for numpy to read (or refuse) instead.

    Counting is exact and several times faster than numpy's string conversion, which reads the
    same values the same way.
    """
    n, width = codes.shape
    if (width not in (10, 16) and not 19 <= width <= 29) or width == 20:
        return None
    digit_at = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, *range(20, 29)]
    digit_at = [k for k in digit_at if k < width]
    marks = {4: 45, 7: 45, 13: 58, 16: 58, 19: 46}
    for at, mark in marks.items():
        if at < width and not bool(np.all(codes[:, at] == mark)):
            return None
    if width > 10 and not bool(np.all((codes[:, 10] == 84) | (codes[:, 10] == 32))):
        return None
    digits = codes[:, digit_at].astype(np.int64) - _ZERO
    if not bool(np.all((digits >= 0) & (digits <= 9))):
        return None

    def number(first: int, count: int) -> Int64Array:
        out = np.zeros(n, dtype=np.int64)
        for k in range(first, first + count):
            out = out * 10 + digits[:, k]
        return out

    year, month, day = number(0, 4), number(4, 2), number(6, 2)
    hour = number(8, 2) if width > 10 else 0
    minute = number(10, 2) if width > 10 else 0
    second = number(12, 2) if width > 16 else 0
    places = width - 20 if width > 19 else 0
    fraction = number(14, places) * 10 ** (9 - places) if places else 0
    days, ok = _days(year, month, day)
    ok &= (np.asarray(hour) < 24) & (np.asarray(minute) < 60) & (np.asarray(second) < 60)
    if not bool(ok.all()):
        return None
    seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
    return np.asarray(seconds * 1_000_000_000 + fraction, dtype=np.int64)


def _plain_iso_rows(codes: npt.NDArray[np.uint32], length: Int64Array) -> BoolArray:
    """Which rows of ``codes`` (their first ``length`` characters) hold only digits, ":", ".",
    "T", one space between date and time, and "-" in the date only.

    The others (an offset, a "Z", "NaT", a letter, a space at either end) are read one by one:
    numpy would read an offset as UTC, or warn, or read "NaT" as no time.
    """
    inside = np.arange(codes.shape[1])[None, :] < length[:, None]
    plain: BoolArray = np.all(_ISO_BODY_CHARS[np.minimum(codes, 127)] | ~inside, axis=1)
    plain &= ~np.any((codes[:, 10:] == 45) & inside[:, 10:], axis=1) & (codes[:, 0] != 32)
    last = np.take_along_axis(codes, np.maximum(length - 1, 0)[:, None], axis=1)[:, 0]
    plain &= last != 32
    return plain


def parse_iso_times_fast(values: list[str]) -> ParsedTimes:
    """`parse_iso_times` with a numpy fast path for the values that are alike.

    The first value decides the shape looked for: naive, ending in ``Z``, or ending in one
    offset such as ``+02:00``. Every value of that shape whose year is safely inside the range
    of the table (1678 to 2261) is parsed by numpy at once; the others (another offset, no
    offset among values with one, years near or past the ends of the range, anything numpy
    would read differently) are read one by one, so each value is judged on its own.
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
        hours, minutes = suffix[1:3], suffix[4:6]
        if not (
            hours.isascii()
            and hours.isdigit()
            and minutes.isascii()
            and minutes.isdigit()
            and int(hours) < 24
            and int(minutes) < 60
        ):
            return parse_iso_times(values)  # no such offset: each value judged on its own
    try:
        array = np.array(values, dtype=str)
        width = array.dtype.itemsize // 4
        if width < 10:
            raise ValueError  # nothing here is a date, let alone a timestamp
        codes = array.view(np.uint32).reshape(n, width)
        body_length = np.strings.str_len(array) - len(suffix)
        alike = body_length >= 10
        if suffix:
            at = np.clip(body_length[:, None] + np.arange(len(suffix)), 0, width - 1)
            ends = np.take_along_axis(codes, at, axis=1)
            alike &= np.all(ends == np.array([ord(c) for c in suffix], dtype=np.uint32), axis=1)
        digits = codes[:, :4].astype(np.int64) - _ZERO
        alike &= np.all((digits >= 0) & (digits <= 9), axis=1) & (codes[:, 4] == 45)
        year = digits @ np.array([1000, 100, 10, 1], dtype=np.int64)
        alike &= (year > 1677) & (year < 2262)  # safely inside the range, whatever the offset
        first_length = int(body_length[0])
        if bool(np.all(body_length == first_length)) and first_length >= 10:
            # All of one length, as a machine writes them: the bodies are the same columns of
            # every row, and one count of the characters they use usually checks them all.
            codes = np.ascontiguousarray(codes[:, :first_length])
            if not _plain_iso_bodies(codes):
                alike &= _plain_iso_rows(codes, body_length)
            body = codes.view(f"<U{first_length}").ravel()
            counted = _iso_ns_by_digits(codes) if bool(alike.all()) else None
            if counted is not None:
                body = counted  # already nanoseconds: the conversion below keeps them
        else:
            alike &= _plain_iso_rows(codes, body_length)
            inside = np.arange(width)[None, :] < body_length[:, None]
            body = np.where(inside, codes, 0).astype(np.uint32).view(f"<U{width}").ravel()
        fast = np.flatnonzero(alike)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # numpy reads "T" or " " between date and time, and fractions down to nanoseconds.
            if body.dtype == np.int64:
                ns_fast = body
            else:
                ns_fast = (body if fast.size == n else body[fast]).astype("datetime64[ns]")
                ns_fast = ns_fast.view(np.int64)
    except (ValueError, TypeError, Warning):
        return parse_iso_times(values)
    if bool(np.any(ns_fast == NAT)):
        return parse_iso_times(values)
    if suffix not in ("", "Z", "z"):
        sign = -1 if suffix[0] == "-" else 1
        ns_fast = ns_fast - sign * (int(suffix[1:3]) * 3600 + int(suffix[4:6]) * 60) * _NS
    ns = np.full(n, NAT, dtype=np.int64)
    parsed = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    ns[fast] = ns_fast
    parsed[fast] = True
    naive[fast] = not suffix
    slow = np.flatnonzero(~alike)
    if slow.size:
        one_by_one = parse_iso_times([values[i] for i in slow.tolist()])
        for target, part in zip((ns, parsed, naive, empty, outside), one_by_one, strict=True):
            target[slow] = part
    return ns, parsed, naive, empty, outside


def datetime64_to_ns(values: npt.NDArray[Any]) -> tuple[Int64Array, BoolArray]:
    """``datetime64`` values of any unit as epoch ns, and which of them int64 ns cannot hold.

    NaT, and the values outside the range, are NAT in the first array. (numpy's own
    ``astype("datetime64[ns]")`` wraps such values around silently: year 3000 in seconds becomes
    a day in 1830.)
    """
    unit, count = np.datetime_data(values.dtype)
    if unit == "generic":  # only NaT has no unit
        return np.full(values.shape[0], NAT, dtype=np.int64), np.zeros(values.shape[0], bool)
    if unit in ("Y", "M"):  # months and years have no fixed length: days hold them all
        values = values.astype("datetime64[D]")
        unit, count = "D", 1
    per_unit = {
        "W": 7 * 86_400 * _NS,
        "D": 86_400 * _NS,
        "h": 3_600 * _NS,
        "m": 60 * _NS,
        "s": _NS,
        "ms": 1_000_000,
        "us": 1_000,
        "ns": 1,
    }
    raw = values.view(np.int64)
    missing = raw == NAT
    finer = {"ps": 1_000, "fs": 1_000_000, "as": 1_000_000_000}
    if unit in finer:  # always in range; numpy's own conversion of negative values is wrong
        if count == 1:
            coarse = raw // finer[unit]
        else:  # steps of several units (datetime64[10ps]): exact in Python ints
            coarse = np.array([v * count // finer[unit] for v in raw.tolist()], dtype=np.int64)
        return np.where(missing, NAT, coarse), np.zeros(raw.shape[0], dtype=bool)
    factor = per_unit[unit] * count
    limit = MAX_NS // factor
    outside = ~missing & ((raw > limit) | (raw < -limit))
    usable = ~missing & ~outside
    return np.where(usable, np.where(usable, raw, 0) * factor, NAT), outside


_BUCKET: Final = 900 * _NS  # quarter hours: every modern UTC offset change falls on one


def localize(wall_ns: Int64Array, zone: tzinfo) -> Int64Array:
    """Read naive wall-clock times (as epoch ns of the same wall time in UTC) in ``zone``.

    Ambiguous times (a fall-back hour) take their first occurrence and times that do not exist
    (a spring-forward gap) move forward by the gap, as ``datetime`` with ``fold=0`` does. The
    offset is looked up once per quarter hour of wall time the data touches; a quarter hour in
    which the offset changes is resolved value by value. A time whose instant falls outside what
    int64 nanoseconds hold (a wall time just before 2262 in a zone west of UTC) comes back as
    NAT.
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
    with np.errstate(over="ignore"):
        instants = wall_ns - offsets
    # Subtracting wrapped around (or landed on NAT) exactly where the result is out of range.
    wrapped = ((offsets > 0) & (instants > wall_ns)) | ((offsets < 0) & (instants < wall_ns))
    instants[wrapped | (instants == NAT)] = NAT
    return instants


def _offset_ns(wall: datetime, zone: tzinfo) -> int:
    delta = wall.replace(tzinfo=zone).utcoffset()
    if delta is None:
        return 0
    return (delta.days * 86_400 + delta.seconds) * _NS + delta.microseconds * 1000


#: The ``timestamp_format`` values for numbers since the Unix epoch, and nanoseconds per unit.
EPOCH_FORMATS: Final = {"epoch_s": 10**9, "epoch_ms": 10**6, "epoch_us": 10**3, "epoch_ns": 1}


def check_timestamp_format(function: str, timestamp_format: object) -> str | None:
    """A ``timestamp_format`` option: None (ISO 8601), an epoch unit, or a ``strptime`` format."""
    from ..errors import InvalidParameterError

    if timestamp_format is None or timestamp_format in EPOCH_FORMATS:
        return timestamp_format
    if isinstance(timestamp_format, str) and "%" in timestamp_format:
        try:
            probe = datetime(2024, 1, 2, 3, 4, 5, tzinfo=_UTC).strftime(timestamp_format)
            datetime.strptime(probe, timestamp_format)
        except ValueError as error:
            raise InvalidParameterError(
                function,
                "timestamp_format",
                f"a strptime format that reads back ({error})",
                timestamp_format,
            ) from None
        return timestamp_format
    raise InvalidParameterError(
        function,
        "timestamp_format",
        "None (ISO 8601), a strptime format such as '%d/%m/%Y %H:%M', or one of "
        + ", ".join(map(repr, EPOCH_FORMATS)),
        timestamp_format,
    )


def parse_formatted_times(values: list[Any], timestamp_format: str) -> ParsedTimes:
    """Timestamps written in ``timestamp_format``, each value judged on its own (and each
    distinct value read once): a ``strptime`` format, or an epoch unit for numbers (or numeric
    text) since 1970-01-01T00:00:00Z. Returns what `parse_iso_times` returns; a value with no
    UTC offset in the format is naive, an epoch number never is.
    """
    n = len(values)
    out = np.full(n, NAT, dtype=np.int64)
    parsed = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    unit = EPOCH_FORMATS.get(timestamp_format)
    cache: dict[Any, tuple[int, bool] | None] = {}
    for i, raw in enumerate(values):
        if (
            raw is None
            or (isinstance(raw, float) and raw != raw)
            or (isinstance(raw, str) and not raw.strip())
        ):
            empty[i] = True
            continue
        key = (type(raw), raw)
        try:
            hit = cache[key]
        except KeyError:
            hit = cache[key] = (
                _epoch_one(raw, unit) if unit is not None else _strptime_one(raw, timestamp_format)
            )
        except TypeError:  # an unhashable value: no timestamp
            hit = None
        if hit is None:
            continue
        ns, naive[i] = hit
        parsed[i] = True
        if in_time_range(ns):
            out[i] = ns
        else:
            outside[i] = True
    return out, parsed, naive, empty, outside


def _strptime_one(raw: Any, timestamp_format: str) -> tuple[int, bool] | None:
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.strptime(raw.strip(), timestamp_format)
    except ValueError:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return unchecked_ns(value.replace(tzinfo=_UTC)), True
    return unchecked_ns(value), False


def _epoch_one(raw: Any, unit: int) -> tuple[int, bool] | None:
    """A number of ``unit`` (ns per unit) since the epoch as ns, exactly (rounded to the ns)."""
    from decimal import Decimal, InvalidOperation

    if isinstance(raw, bool):
        return None
    try:
        if isinstance(raw, int | np.integer):
            number = Decimal(int(raw))
        elif isinstance(raw, float | np.floating):
            number = Decimal(float(raw))
        elif isinstance(raw, str):
            number = Decimal(raw.strip())
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return int((number * unit).to_integral_value()), False


def parse_iso_arrow(chunked: Any) -> ParsedTimes | None:
    """`parse_iso_times_fast` for an Arrow string column whose values all have one length and
    one ending (``Z``, one offset such as ``+02:00``, or none), read from the column's bytes
    without a Python string per value; None for any other column, or any value the digits do
    not make a time of (the caller then reads the values one by one)."""
    n = len(chunked)
    if n == 0 or chunked.null_count:
        return None
    array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    if str(array.type) not in ("string", "large_string"):
        return None  # the buffers read below are those of offsets and bytes
    _, offsets_buffer, data_buffer = array.buffers()
    if data_buffer is None:
        return None
    wide = "large" in str(array.type)
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if wide else np.int32)
    offsets = offsets[array.offset : array.offset + n + 1]
    first = int(offsets[0])
    width = int(offsets[1]) - first
    if width < 10 or int(offsets[-1]) - first != n * width:
        return None
    if not bool(np.all(np.diff(offsets) == width)):
        return None
    data = np.frombuffer(data_buffer, dtype=np.uint8)[first : first + n * width]
    matrix = data.reshape(n, width)
    ending = bytes(matrix[0, -6:]) if width >= 16 else b""
    if matrix[0, -1] in (ord("Z"), ord("z")):
        body, shift = width - 1, 0
    elif len(ending) == 6 and ending[0] in b"+-" and ending[3:4] == b":":
        body = width - 6
        if not (ending[1:3].isdigit() and ending[4:6].isdigit()):
            return None
        if int(ending[1:3]) >= 24 or int(ending[4:6]) >= 60:
            return None  # no such offset: each value read on its own, and refused
        sign = -1 if ending[0:1] == b"-" else 1
        shift = sign * (int(ending[1:3]) * 3_600 + int(ending[4:6]) * 60) * _NS
    else:
        body, shift = width, 0
    if body < width and not bool(np.all(matrix[:, body:] == matrix[0, body:])):
        return None  # another ending on some row
    year_digits = matrix[:, :4].astype(np.int64) - _ZERO
    if not bool(np.all((year_digits >= 0) & (year_digits <= 9))):
        return None
    year = year_digits @ np.array([1000, 100, 10, 1], dtype=np.int64)
    if not bool(np.all((year > 1677) & (year < 2262))):
        return None  # near the ends of the range: the careful way
    counted = _iso_ns_by_digits(matrix[:, :body].astype(np.uint32))
    if counted is None:
        return None
    ns = counted - shift
    zeros = np.zeros(n, dtype=bool)
    return ns, np.ones(n, dtype=bool), np.full(n, body == width), zeros, zeros.copy()
