"""Column coercion and factorising: user columns (lists, numpy, pandas) into typed numpy arrays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .._core.time import MAX_NS, MIN_NS, NAT, NS_RANGE_TEXT, datetime_to_ns, in_ns_range
from .._core.typing import Int32Array, Int64Array
from ..errors import InvalidDataError
from ..records import Author

__all__ = ["AUTHOR_AGENT", "AUTHOR_BOT", "AUTHOR_CUSTOMER"]

AUTHOR_CUSTOMER: Final = 0


AUTHOR_AGENT: Final = 1


AUTHOR_BOT: Final = 2


_AUTHOR_CODES: Final = {Author.CUSTOMER: 0, Author.AGENT: 1, Author.BOT: 2}


def _object_array(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    if values and isinstance(values[0], tuple):
        # numpy would read a list of tuples as a 2-d array: assign one by one.
        for i, value in enumerate(values):
            out[i] = value
    else:
        out[:] = values
    return out


def _as_1d(values: Any) -> npt.NDArray[Any]:
    if isinstance(values, np.ndarray):
        return values.reshape(-1) if values.ndim != 1 else values
    items = list(values)
    # A list of plain ints is an integer column (codes, or ids where negative means none),
    # exactly as the same values in a numpy array would be.
    if items and all(type(v) is int for v in items):
        return np.asarray(items, dtype=np.int64)
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _concatenate_ids(first: npt.NDArray[Any], second: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Two id columns as one, keeping a str dtype when both have it.

    Two str columns stay on the factorisation's vectorised path; anything else is compared as
    Python objects. (Two integer columns do not come here: see `_factorize_ints`.)
    """
    if first.dtype.kind == "U" and second.dtype.kind == "U":
        return np.concatenate([first, second])
    return np.concatenate([first.astype(object), second.astype(object)])


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _factorize(
    values: Sequence[Any] | npt.NDArray[Any],
    *,
    column: str = "",
    source: str = "MessageTable",
) -> tuple[Int32Array, tuple[str, ...]]:
    """Codes (int32, -1 for none) and names (sorted) of a categorical column."""
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    n = array.shape[0]
    if array.dtype.kind in "iu":
        (codes,), labels = _factorize_ints([array])
        return codes, labels
    if array.dtype.kind in "US":
        lookup: dict[Any, int] = {}
        raw = np.fromiter(
            (lookup.setdefault(v, len(lookup)) for v in array.tolist()), np.int32, count=n
        )
        names_in_order = list(lookup)
        missing_code = lookup.get("" if array.dtype.kind == "U" else b"", -1)
    else:
        lookup = {}
        raw = np.empty(n, dtype=np.int32)
        for i, value in enumerate(array.tolist()):
            if _is_missing(value) or value == "":
                raw[i] = -1
                continue
            code = lookup.get(value)
            if code is None:
                if not isinstance(value, str | int) or isinstance(value, bool):
                    raise InvalidDataError(source, column or None, i, "a str or None", value)
                code = lookup[value] = len(lookup)
            raw[i] = code
        names_in_order = list(lookup)
        missing_code = -1
    # Names are sorted so that the codes do not depend on the order rows arrive in.
    keyed = [
        (str(v.decode() if isinstance(v, bytes) else v), c) for c, v in enumerate(names_in_order)
    ]
    keyed = [(name, c) for name, c in keyed if c != missing_code]
    keyed.sort()
    remap_codes = np.full(len(names_in_order) + 1, -1, dtype=np.int32)
    for new, (_, old) in enumerate(keyed):
        remap_codes[old] = new
    codes = remap_codes[raw]  # raw == -1 picks the trailing -1
    return codes.astype(np.int32, copy=False), tuple(name for name, _ in keyed)


def _factorize_ints(
    arrays: Sequence[npt.NDArray[np.integer[Any]]],
    *,
    read_only: int = 0,
) -> tuple[list[Int32Array], tuple[str, ...]]:
    """Codes (int32, -1 for none) of integer id columns in one shared code space, and the names.

    Negative ids mean none. Names are the ids present, in numeric order, as str. The codes of the
    last ``read_only`` columns are only read by the caller: where they equal the input (int32
    ids 0..top, all used) the input itself is returned, not a copy.
    """
    top = max((int(a.max()) for a in arrays if a.shape[0]), default=-1)
    if top < 0:
        return [np.full(a.shape[0], -1, dtype=np.int32) for a in arrays], ()
    total = sum(a.shape[0] for a in arrays)
    if top > 4 * total + 1024:  # sparse ids: sorting costs less than counting
        ints = np.concatenate([a.astype(np.int64, copy=False) for a in arrays])
        valid = ints >= 0
        unique, inverse = np.unique(ints[valid], return_inverse=True)
        codes = np.full(total, -1, dtype=np.int32)
        codes[valid] = inverse
        bounds = np.cumsum([a.shape[0] for a in arrays])[:-1]
        return list(np.split(codes, bounds)), tuple(str(v) for v in unique)
    # Marking is linear where sorting is not. Ids run over 0..top, and every "none" is first
    # clipped to -1, which marks (and later reads) the slot after them, top + 1: one mark and one
    # lookup per column, without a shifted copy or a count.
    present = np.zeros(top + 2, dtype=bool)
    clipped: list[npt.NDArray[np.integer[Any]]] = []
    for array in arrays:
        # Clip only where an id is below -1 (min is one cheap pass): a large negative id must
        # neither wrap round on narrowing nor index from the end.
        if array.dtype.kind == "i" and array.shape[0] and int(array.min()) < -1:
            array = np.maximum(array, -1)
        present[array] = True
        clipped.append(array)
    labels = np.flatnonzero(present[: top + 1])
    out: list[Int32Array] = []
    if labels.size == top + 1:  # the ids are the codes already: 0..top, all used
        first_read_only = len(clipped) - read_only
        out = [array.astype(np.int32, copy=i < first_read_only) for i, array in enumerate(clipped)]
    else:
        remap = np.empty(top + 2, dtype=np.int32)
        remap[top + 1] = -1
        np.cumsum(present[: top + 1], out=remap[: top + 1])
        remap[: top + 1] -= 1
        out = [remap[array] for array in clipped]
    return out, tuple(str(v) for v in labels)


def _factorize_ids(
    values: npt.NDArray[Any], source: str
) -> tuple[Int64Array, npt.NDArray[Any], Int64Array | None]:
    """Codes for conversation ids, numbered in order of first appearance where that is cheap.

    The third item is, when the codes are non-decreasing (sorted integer ids), the offsets of
    their runs: ``offsets[i]:offsets[i + 1]`` are the rows of code ``i``. Otherwise it is None.
    """
    n = values.shape[0]
    if values.dtype.kind in "iu":
        ints = values.astype(np.int64, copy=False)
        if n == 0:
            return np.zeros(0, dtype=np.int64), ints, np.zeros(1, dtype=np.int64)
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(ints[1:], ints[:-1], out=starts[1:])
        if n == 1 or bool(np.all(ints[1:] >= ints[:-1])):
            first_rows = np.flatnonzero(starts)
            offsets = np.empty(first_rows.shape[0] + 1, dtype=np.int64)
            offsets[:-1] = first_rows
            offsets[-1] = n
            # Repeating each code over its run costs less than a cumulative sum of the starts.
            codes = np.repeat(np.arange(first_rows.shape[0], dtype=np.int64), np.diff(offsets))
            return codes, ints[first_rows], offsets
        labels, inverse = np.unique(ints, return_inverse=True)
        return inverse.astype(np.int64), labels, None
    lookup: dict[Any, int] = {}
    codes_list = np.empty(n, dtype=np.int64)
    for i, value in enumerate(values.tolist()):
        code = lookup.get(value)
        if code is None:
            if _is_missing(value) or value == "" or not isinstance(value, str | int):
                raise InvalidDataError(
                    source, "conversation_id", i, "a non-empty str or an int", value
                )
            code = lookup[value] = len(lookup)
        codes_list[i] = code
    labels = np.empty(len(lookup), dtype=object)
    labels[:] = [str(v) for v in lookup]
    return codes_list, labels, None


def _author_column(values: Any, source: str) -> npt.NDArray[np.int8]:
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    if array.dtype.kind in "iu":
        if array.shape[0] and (int(array.min()) < 0 or int(array.max()) > 2):
            bad = (array < 0) | (array > 2)
            i = int(np.flatnonzero(bad)[0])
            raise InvalidDataError(source, "author", i, "0, 1 or 2", array[i].item())
        return array.astype(np.int8)
    out = np.full(array.shape[0], -1, dtype=np.int8)
    if array.dtype.kind in "US":
        lowered = np.char.lower(array) if array.dtype.kind == "U" else array
        for author, code in _AUTHOR_CODES.items():
            out[lowered == author.value] = code
    else:
        names = {a.value: c for a, c in _AUTHOR_CODES.items()}
        for i, value in enumerate(array.tolist()):
            if isinstance(value, str):
                out[i] = names.get(value.lower(), -1)
    bad_rows = np.flatnonzero(out < 0)
    if bad_rows.size:
        i = int(bad_rows[0])
        raise InvalidDataError(source, "author", i, "one of 'customer', 'agent', 'bot'", array[i])
    return out


def _bool_column(values: Any, name: str, source: str) -> npt.NDArray[np.bool_]:
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    if array.dtype == bool:
        return array.copy()  # the table is read-only; the caller's array stays theirs
    out = np.empty(array.shape[0], dtype=bool)
    for i, value in enumerate(array.tolist()):
        if isinstance(value, bool | np.bool_ | int) and value in (0, 1):
            out[i] = bool(value)
        else:
            raise InvalidDataError(source, name, i, "a bool", value)
    return out


def _sentiment_column(values: Any, source: str) -> npt.NDArray[np.float64]:
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    if array.dtype.kind == "O":
        try:
            floats = np.array(
                [np.nan if v is None else v for v in array.tolist()], dtype=np.float64
            )
        except (TypeError, ValueError):
            for i, v in enumerate(array.tolist()):
                if v is not None and not isinstance(v, int | float):
                    raise InvalidDataError(
                        source, "sentiment", i, "a number in [-1, 1] or None", v
                    ) from None
            raise
    else:
        floats = array.astype(np.float64)
    bad = ~np.isnan(floats) & ((floats < -1.0) | (floats > 1.0))
    bad |= np.isinf(floats)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidDataError(source, "sentiment", i, "a number in [-1, 1] or None", floats[i])
    return floats


def _tags_column(values: Any, source: str) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        if value is None:
            out[i] = ()
            continue
        tags = (value,) if isinstance(value, str) else tuple(value)
        if not all(isinstance(t, str) and t for t in tags):
            raise InvalidDataError(source, "tags", i, "a sequence of non-empty str", value)
        out[i] = tags
    return out


# Nanoseconds in one step of each linear datetime64 unit coarser than ns.
_UNIT_NS: Final = {
    "W": 7 * 86_400 * 10**9,
    "D": 86_400 * 10**9,
    "h": 3_600 * 10**9,
    "m": 60 * 10**9,
    "s": 10**9,
    "ms": 10**6,
    "us": 10**3,
}


# The first and last month (year) since 1970 whose start int64 nanoseconds hold: 1677-10 and
# 2262-04 (1678 and 2262).
_CALENDAR_UNIT_RANGE: Final = {"M": (-3507, 3507), "Y": (-292, 292)}


def _check_datetime64_range(values: npt.NDArray[Any], name: str, source: str) -> None:
    """Refuse datetime64 values of a coarser unit than ns that ns cannot hold.

    numpy converts them to ns without a word, wrapping round (and its conversion back is no
    test: it wraps too), so the bounds are compared in the values' own unit.
    """
    unit, count = np.datetime_data(values.dtype)
    if unit in _UNIT_NS:
        step = _UNIT_NS[unit] * count
        low, high = -(-MIN_NS // step), MAX_NS // step
    elif unit in _CALENDAR_UNIT_RANGE:
        first, last = _CALENDAR_UNIT_RANGE[unit]
        low, high = -(-first // count), last // count
    else:
        return  # ns or finer: every value fits
    if values.shape[0] == 0:
        return
    raw = values.view(np.int64)
    known = raw != NAT
    bad = known & ((raw < low) | (raw > high))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidDataError(source, name, i, f"a time {NS_RANGE_TEXT}", values[i])


def _time_column(
    values: Any, name: str, source: str, *, allow_missing: bool = True, copy: bool = True
) -> Int64Array:
    """A time column as int64 epoch ns; datetime64 values are UTC instants.

    With ``copy=False`` the result may share memory with ``values``: for a column only read.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        _check_datetime64_range(values, name, source)
        out = values.astype("datetime64[ns]", copy=copy).view(np.int64)
    elif isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        if values.dtype.kind == "u" and values.shape[0] and int(values.max()) > MAX_NS:
            i = int(np.flatnonzero(values > MAX_NS)[0])
            raise InvalidDataError(
                source, name, i, "epoch nanoseconds that fit in int64", values[i].item()
            )
        out = values.astype(np.int64, copy=copy)  # the table is read-only; the input is not
    else:
        array = values if isinstance(values, np.ndarray) else _as_1d(values)
        out = np.empty(array.shape[0], dtype=np.int64)
        for i, value in enumerate(array.tolist()):
            if value is None:
                out[i] = NAT
            elif isinstance(value, datetime):
                if value.tzinfo is None or value.utcoffset() is None:
                    raise InvalidDataError(
                        source, name, i, "a timezone-aware datetime (this one is naive)", value
                    )
                if not in_ns_range(value):
                    raise InvalidDataError(
                        source, name, i, f"a timezone-aware datetime {NS_RANGE_TEXT}", value
                    )
                out[i] = datetime_to_ns(value)
            else:
                raise InvalidDataError(
                    source, name, i, "a timezone-aware datetime or datetime64", value
                )
    # NAT is the smallest int64: one min finds out whether any value is missing.
    if not allow_missing and out.shape[0] and int(out.min()) == NAT:
        missing = np.flatnonzero(out == NAT)
        if missing.size:
            i = int(missing[0])
            raise InvalidDataError(source, name, i, "a timestamp", "a missing value (NaT/None)")
    return out


def read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array``, marked read-only: results and tables share arrays, and nobody may change them."""
    array.flags.writeable = False
    return array
