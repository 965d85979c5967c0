"""Column coercion and factorising: user columns (lists, numpy, pandas) into typed numpy arrays."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .._core.time import MAX_NS, MIN_NS, NAT, NS_RANGE_TEXT, datetime_to_ns, in_ns_range
from .._core.typing import Int32Array, Int64Array
from ..errors import InvalidDataError
from ..records import Author
from .encode import (
    Encoded,
    arrow_column,
    encode,
    first_row,
    is_arrow_column,
    is_text_type,
    pyarrow_or_none,
)

__all__ = ["AUTHOR_AGENT", "AUTHOR_BOT", "AUTHOR_CUSTOMER"]

AUTHOR_CUSTOMER: Final = 0


AUTHOR_AGENT: Final = 1


AUTHOR_BOT: Final = 2


_AUTHOR_CODES: Final = {Author.CUSTOMER: 0, Author.AGENT: 1, Author.BOT: 2}


def _object_array(values: Iterable[Any]) -> npt.NDArray[np.object_]:
    """Values as a 1-d object array, one item each: a tuple or list stays one value."""
    items = values if isinstance(values, list | tuple) else list(values)
    # fromiter does not read sequences as rows, as np.array would for a list of tuples.
    return np.fromiter(items, dtype=object, count=len(items))


def _as_1d(values: Iterable[Any]) -> npt.NDArray[Any]:
    """A caller's values (any iterable but an array) as a 1-d array."""
    items = list(values)
    # A list of plain ints is an integer column (codes, or ids where negative means none),
    # exactly as the same values in a numpy array would be.
    if items and all(type(v) is int for v in items):
        try:
            return np.asarray(items, dtype=np.int64)
        except OverflowError:
            pass  # beyond int64: kept as Python ints
    return _object_array(items)


def _column(
    values: object,
    name: str,
    source: str,
    n: int | None = None,
    per: str = "row",
    *,
    keep_arrow: bool = False,
) -> npt.NDArray[Any]:
    """A caller's column as a 1-d numpy array of ``n`` values, or the library's error.

    A column is a 1-d array or any iterable of values (a list, a tuple, a generator, a pandas
    Series, a pyarrow array, a polars Series or anything else that exports an Arrow array); a
    str, a mapping, a scalar or an array of another shape is refused, naming the column. ``per``
    says what a value stands for, in the message about a wrong length. With ``keep_arrow``, an
    Arrow column of text, categories or ints with missing values stays a pyarrow ChunkedArray
    (for the callers that factorise it in Arrow), typed as an array for brevity.
    """
    if not isinstance(values, np.ndarray):
        values = _from_frame_library(values, keep_arrow=keep_arrow)
    if is_arrow_column(values):
        size = len(values)  # type: ignore[arg-type]
        if n is not None and size != n:
            raise InvalidDataError(source, name, None, f"{n} values, one per {per}", size)
        return values  # type: ignore[return-value]
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise InvalidDataError(
                source,
                name,
                None,
                f"a 1-d column, one value per {per} (this array has shape {values.shape})",
                values,
            )
        array: npt.NDArray[Any] = values
    elif isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InvalidDataError(
            source,
            name,
            None,
            f"a column: a sequence or 1-d array with one value per {per}",
            values,
        )
    else:
        array = _as_1d(values)
    if n is not None and array.shape[0] != n:
        raise InvalidDataError(source, name, None, f"{n} values, one per {per}", array.shape[0])
    return array


def _from_frame_library(values: Any, *, keep_arrow: bool) -> Any:
    """A pandas Series or an Arrow-exporting column as a numpy array or (with ``keep_arrow``,
    for text and categories) a pyarrow ChunkedArray; anything else as it is."""
    if type(values).__module__.startswith("pandas") and hasattr(values, "dtype"):
        return _from_pandas(values, keep_arrow=keep_arrow)
    chunked = arrow_column(values)
    if chunked is None:
        return values
    return _from_arrow(chunked, keep_arrow=keep_arrow)


def _from_arrow(chunked: Any, *, keep_arrow: bool) -> Any:
    pa = pyarrow_or_none()
    kind = chunked.type
    textual = is_text_type(pa, kind) or pa.types.is_dictionary(kind)
    if keep_arrow and (textual or (pa.types.is_integer(kind) and chunked.null_count)):
        return chunked
    if pa.types.is_timestamp(kind):
        # UTC instants for a zoned type; a naive one's wall times are read as UTC, as a
        # datetime64 array is. numpy keeps the unit (a cast to ns could overflow).
        return chunked.cast(pa.timestamp(kind.unit)).to_numpy()
    if (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or (pa.types.is_boolean(kind) and not chunked.null_count)
    ):
        return chunked.to_numpy()
    if textual:  # Python str (None for null) made by Arrow, faster than a list of them
        values = chunked.cast(kind.value_type) if pa.types.is_dictionary(kind) else chunked
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
    return _object_array(chunked.to_pylist())


def _from_pandas(series: Any, *, keep_arrow: bool) -> Any:
    dtype = series.dtype
    if getattr(dtype, "tz", None) is not None and getattr(dtype, "kind", "") == "M":
        # Zoned times as UTC instants, in their own unit.
        return series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    if isinstance(dtype, np.dtype):
        array = series.to_numpy()
        # Python ints in an object column are an int column, as they are in a list.
        return _as_1d(array.tolist()) if array.dtype.kind == "O" else array
    pa = pyarrow_or_none()
    if pa is not None:
        try:
            array = pa.array(series, from_pandas=True)  # an Array, or a ChunkedArray
            chunked = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
        except (TypeError, ValueError, pa.ArrowException):
            pass
        else:
            return _from_arrow(chunked, keep_arrow=keep_arrow)
    return _object_array(series.to_numpy(dtype=object))


# pandas' missing values, known by their type's name so that pandas need not be imported.
_PANDAS_MISSING: Final = frozenset({"NAType", "NaTType"})


def _is_missing(value: Any) -> bool:
    """None, NaN, or pandas' NA and NaT: a cell with no value."""
    return (
        value is None
        or (isinstance(value, float | np.floating) and value != value)
        or type(value).__name__ in _PANDAS_MISSING
    )


def _beyond_int64(array: npt.NDArray[Any]) -> bool:
    """Whether an unsigned array holds a value int64 cannot."""
    return array.dtype.kind == "u" and array.shape[0] > 0 and int(array.max()) > MAX_NS


_MIXED_IDS: Final = "str and int ids are not mixed: 7 and '7' would be two ids named '7'"


def _factorize(
    values: Iterable[Any] | npt.NDArray[Any],
    *,
    column: str = "",
    source: str = "MessageTable",
) -> tuple[Int32Array, tuple[str, ...]]:
    """Codes (int32, -1 for none) and names (sorted) of one categorical column."""
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    (codes,), names = _factorize_columns([(column, array)], source)
    return codes, names


def _factorize_columns(
    columns: Sequence[tuple[str, npt.NDArray[Any]]], source: str, *, read_only: int = 0
) -> tuple[list[Int32Array], tuple[str, ...]]:
    """Codes (int32, -1 for none) of categorical columns in one shared code space, and the
    names (sorted: numerically for int ids).

    Ids are str, with ``None``, NaN and ``""`` for none; or int, with ``None``, NaN and any
    negative int for none, so that a sentinel such as -1 is never an agent. All the columns
    hold ids of one kind: a str beside an int is refused, since 7 and "7" would be two ids with
    one name. ``read_only`` is passed on to `_factorize_ints`.
    """
    arrays = [array for _, array in columns]
    if not any(map(is_arrow_column, arrays)):
        if all(a.dtype.kind in "iu" and not _beyond_int64(a) for a in arrays):
            return _factorize_ints(arrays, read_only=read_only)
        if {a.dtype.kind for a in arrays} == {"S"}:
            return _factorize_strings(arrays)
    encoded = [_encode_ids(array) for array in arrays]
    if all(e is not None for e in encoded):
        done = _factorize_encoded([e for e in encoded if e is not None])
        if done is not None:
            return done
    # A str beside an int, or values that are neither: value by value, for the exact error.
    return _factorize_objects([(name, _numpy(array)) for name, array in columns], source)


def _numpy(array: Any) -> npt.NDArray[Any]:
    """An Arrow column as a numpy object array of Python values; a numpy array as it is."""
    if is_arrow_column(array):
        return _object_array(array.to_pylist())
    return array  # type: ignore[no-any-return]


def _encode_ids(array: Any) -> Encoded | None:
    """A column of ids as codes and distinct values, without a Python step per row."""
    if isinstance(array, np.ndarray) and array.dtype.kind in "iu":
        if _beyond_int64(array):
            return None
        uniques, inverse = np.unique(array, return_inverse=True)
        return Encoded(inverse.astype(np.int64).reshape(-1), uniques.tolist())
    return encode(array)


def _factorize_encoded(
    encoded: Sequence[Encoded],
) -> tuple[list[Int32Array], tuple[str, ...]] | None:
    """`_factorize_columns` from codes and distinct values; None when the columns mix str and
    int ids (the caller then finds the first such row)."""
    kinds = {type(v) for e in encoded for v in e.uniques}
    if not (kinds <= {str} or kinds <= {int}):
        return None
    numeric = kinds == {int}
    lookup: dict[Any, int] = {}
    raws: list[Int32Array] = []
    for e in encoded:
        # What each distinct value becomes; the slot after them is for missing rows (-1).
        remap = np.empty(len(e.uniques) + 1, dtype=np.int32)
        remap[-1] = -1
        for k, value in enumerate(e.uniques):
            none = value < 0 if numeric else not value
            remap[k] = -1 if none else lookup.setdefault(value, len(lookup))
        raws.append(remap[e.codes])
    return _sorted_codes(raws, list(lookup), -1, numeric=numeric)


def _factorize_strings(
    arrays: Sequence[npt.NDArray[Any]],
) -> tuple[list[Int32Array], tuple[str, ...]]:
    """`_factorize_columns` for str (or bytes) arrays: ``""`` is none."""
    lookup: dict[Any, int] = {}
    raws = [
        np.fromiter(
            (lookup.setdefault(v, len(lookup)) for v in array.tolist()),
            np.int32,
            count=array.shape[0],
        )
        for array in arrays
    ]
    missing_code = lookup.get("" if arrays[0].dtype.kind == "U" else b"", -1)
    names = [v.decode() if isinstance(v, bytes) else v for v in lookup]
    return _sorted_codes(raws, names, missing_code, numeric=False)


def _factorize_objects(
    columns: Sequence[tuple[str, npt.NDArray[Any]]], source: str
) -> tuple[list[Int32Array], tuple[str, ...]]:
    """`_factorize_columns` value by value, for columns that are not all int or all str."""
    lookup: dict[Any, int] = {}
    first: tuple[type, str, int, Any] | None = None  # kind, column, row, value of the first id
    raws: list[Int32Array] = []
    for name, array in columns:
        raw = np.empty(array.shape[0], dtype=np.int32)
        for i, value in enumerate(array.tolist()):
            kind: type
            if isinstance(value, str):
                if not value:
                    raw[i] = -1
                    continue
                kind = str
            elif isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
                value = int(value)
                if value < 0:
                    raw[i] = -1
                    continue
                kind = int
            elif _is_missing(value):
                raw[i] = -1
                continue
            else:
                raise InvalidDataError(source, name or None, i, "a str, an int or None", value)
            if first is None:
                first = (kind, name, i, value)
            elif kind is not first[0]:
                article = "a str" if first[0] is str else "an int"
                where = f"row {first[2]}" if first[1] == name else f"{first[1]!r}, row {first[2]}"
                raise InvalidDataError(
                    source,
                    name or None,
                    i,
                    f"{article} id like {first[3]!r} ({where}): {_MIXED_IDS}",
                    value,
                )
            code = lookup.get(value)
            if code is None:
                code = lookup[value] = len(lookup)
            raw[i] = code
        raws.append(raw)
    numeric = first is not None and first[0] is int
    return _sorted_codes(raws, list(lookup), -1, numeric=numeric)


def _sorted_codes(
    raws: Sequence[Int32Array], values: list[Any], missing_code: int, *, numeric: bool
) -> tuple[list[Int32Array], tuple[str, ...]]:
    """Codes renumbered so that names are sorted (the codes then do not depend on the order
    rows arrive in); ``values[c]`` is the id of raw code ``c``, ``missing_code`` means none."""
    keyed = [(v, c) for c, v in enumerate(values) if c != missing_code]
    keyed.sort(key=(lambda item: item[0]) if numeric else (lambda item: str(item[0])))
    remap_codes = np.full(len(values) + 1, -1, dtype=np.int32)
    for new, (_, old) in enumerate(keyed):
        remap_codes[old] = new
    # raw == -1 picks the trailing -1
    codes = [remap_codes[raw].astype(np.int32, copy=False) for raw in raws]
    return codes, tuple(str(v) for v, _ in keyed)


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

    Ids are non-empty str or ints (any int: a conversation id is no "none"), one kind or the
    other: 1 and "1" would be two conversations with one label. uint64 ids beyond int64 stay
    uint64. The third item is, when the codes are non-decreasing (sorted integer ids), the
    offsets of their runs: ``offsets[i]:offsets[i + 1]`` are the rows of code ``i``. Otherwise
    it is None.
    """
    if is_arrow_column(values):
        return _arrow_ids(values, source)
    n = values.shape[0]
    expected = "a non-empty str or an int"
    if values.dtype.kind in "iu":
        # uint64 beyond int64 is compared as it is: a cast would wrap it round.
        ints = values if _beyond_int64(values) else values.astype(np.int64, copy=False)
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
    if values.dtype.kind not in "UO" and n:
        # bool, float, datetime and other arrays hold no ids (a datetime64[ns] would read as ints)
        raise InvalidDataError(source, "conversation_id", 0, expected, values[0])
    encoded = encode(values)
    if encoded is not None:
        done = _encoded_ids(encoded, values, source, expected)
        if done is not None:
            return done
    return _object_ids(values, source, expected)


def _arrow_ids(chunked: Any, source: str) -> tuple[Int64Array, npt.NDArray[Any], Int64Array | None]:
    """`_factorize_ids` for an Arrow column."""
    pa = pyarrow_or_none()
    if pa.types.is_integer(chunked.type) and not chunked.null_count:
        return _factorize_ids(chunked.to_numpy(), source)
    encoded = encode(chunked)
    if encoded is not None:
        done = _encoded_ids(encoded, chunked, source, "a non-empty str or an int")
        if done is not None:
            return done
    return _factorize_ids(_object_array(chunked.to_pylist()), source)


def _encoded_ids(
    encoded: Encoded, values: Any, source: str, expected: str
) -> tuple[Int64Array, npt.NDArray[Any], None] | None:
    """Conversation codes from ``encode`` (first appearance order, as the dict walk numbers
    them), or None for int ids among str ones (the dict walk then finds the first such row)."""
    kinds = set(map(type, encoded.uniques))
    if not (kinds <= {str} or kinds <= {int}):
        return None
    bad = np.zeros(len(encoded.uniques) + 1, dtype=bool)
    bad[-1] = True  # a missing id
    if kinds == {str} and "" in encoded.uniques:
        bad[encoded.uniques.index("")] = True
    if bad[encoded.codes].any():
        i = first_row(encoded.codes, bad)
        value = values[i].as_py() if is_arrow_column(values) else values[i]
        raise InvalidDataError(source, "conversation_id", i, expected, value)
    labels = encoded.uniques if kinds == {str} else [str(v) for v in encoded.uniques]
    return encoded.codes, _object_array(labels), None


def _object_ids(
    values: npt.NDArray[Any], source: str, expected: str
) -> tuple[Int64Array, npt.NDArray[Any], None]:
    """`_factorize_ids` value by value."""
    n = values.shape[0]
    lookup: dict[Any, int] = {}
    codes_list = np.empty(n, dtype=np.int64)
    kind: type | None = None  # str or int: the type of the first id
    first: tuple[int, Any] = (0, None)  # its row and value
    for i, value in enumerate(values.tolist()):
        if type(value) is not kind:  # the first id, or another type: a closer look
            if isinstance(value, str) and value:
                found: type = str
            elif isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
                value, found = int(value), int
            else:
                raise InvalidDataError(source, "conversation_id", i, expected, value)
            if kind is None:
                kind, first = found, (i, value)
            elif found is not kind:
                article = "a str" if kind is str else "an int"
                raise InvalidDataError(
                    source,
                    "conversation_id",
                    i,
                    f"{article} id like {first[1]!r} (row {first[0]}): {_MIXED_IDS}",
                    value,
                )
        elif kind is str and not value:
            raise InvalidDataError(source, "conversation_id", i, expected, value)
        code = lookup.get(value)
        if code is None:
            code = lookup[value] = len(lookup)
        codes_list[i] = code
    return codes_list, _object_array([str(v) for v in lookup]), None


def _author_column(values: Any, source: str) -> npt.NDArray[np.int8]:
    if is_arrow_column(values):
        pa = pyarrow_or_none()
        if pa.types.is_integer(values.type) and not values.null_count:
            return _author_column(values.to_numpy(), source)
        encoded = encode(values, ints=False)
        if encoded is None:
            return _author_column(_object_array(values.to_pylist()), source)
        return _author_codes(encoded, values, source)
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    if array.dtype.kind in "OU":
        encoded = encode(array, ints=False)
        if encoded is not None:
            return _author_codes(encoded, array, source)
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


def _author_codes(encoded: Encoded, values: Any, source: str) -> npt.NDArray[np.int8]:
    """Author codes from ``encode``: each distinct word looked up once."""
    names = {a.value: c for a, c in _AUTHOR_CODES.items()}
    lookup = np.array([names.get(v.lower(), -1) for v in encoded.uniques] + [-1], dtype=np.int8)
    out = lookup[encoded.codes]
    if out.shape[0] and int(out.min()) < 0:
        i = int(np.flatnonzero(out < 0)[0])
        value = values[i].as_py() if is_arrow_column(values) else values[i]
        raise InvalidDataError(source, "author", i, "one of 'customer', 'agent', 'bot'", value)
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
    """Scores in [-1, 1] as float64, NaN for unscored (``None`` or NaN)."""
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    expected = "a number in [-1, 1] or None"
    if array.dtype.kind in "iuf":
        floats = array.astype(np.float64)
    elif array.dtype.kind == "O":
        floats = np.empty(array.shape[0], dtype=np.float64)
        for i, v in enumerate(array.tolist()):
            if _is_missing(v):
                floats[i] = np.nan
            elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(
                v, bool | np.bool_
            ):
                try:
                    floats[i] = v
                except OverflowError:  # an int beyond float: far outside [-1, 1] anyway
                    raise InvalidDataError(source, "sentiment", i, expected, v) from None
            else:
                raise InvalidDataError(source, "sentiment", i, expected, v)
    else:
        # str, bool, complex, datetime arrays: not scores
        if array.shape[0]:
            raise InvalidDataError(source, "sentiment", 0, expected, array[0])
        floats = np.zeros(0, dtype=np.float64)
    bad = ~np.isnan(floats) & ((floats < -1.0) | (floats > 1.0))
    bad |= np.isinf(floats)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidDataError(source, "sentiment", i, expected, array[i])
    return floats


def _tags_column(values: Any, source: str) -> npt.NDArray[np.object_]:
    """Each row's tags as a tuple of non-empty str; ``None`` or NaN for none, a str for one."""
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    out = np.empty(array.shape[0], dtype=object)
    for i, value in enumerate(array):
        if _is_missing(value):
            out[i] = ()
            continue
        if isinstance(value, str):
            tags: Any = (value,)
        elif isinstance(value, Iterable) and not isinstance(value, bytes):
            tags = tuple(value)
        else:
            tags = None
        if tags is None or not all(isinstance(t, str) and t for t in tags):
            raise InvalidDataError(source, "tags", i, "a sequence of non-empty str or None", value)
        out[i] = tuple(str(t) for t in tags)  # numpy's str_ as plain str
    return out


def _text_column(values: Any, source: str) -> npt.NDArray[np.object_]:
    """Each row's text as a str; ``None`` or NaN for none, read as ``""``."""
    if is_arrow_column(values):
        pa = pyarrow_or_none()
        kind = values.type
        if pa.types.is_dictionary(kind):
            values = values.cast(kind.value_type)
        if is_text_type(pa, values.type):
            return values.fill_null("").to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]
        values = _object_array(values.to_pylist())
    array = values if isinstance(values, np.ndarray) else _as_1d(values)
    if array.dtype == object and set(map(type, array)) <= {str}:
        return array.copy()  # the usual case: an object array of str (the table keeps its own)
    items = array.tolist()  # numpy's str_ as plain str
    if set(map(type, items)) <= {str}:  # without a Python loop per row
        return _object_array(items)
    for i, value in enumerate(items):
        if _is_missing(value):
            items[i] = ""
        elif not isinstance(value, str):
            raise InvalidDataError(source, "text", i, "a str or None", value)
    return _object_array(items)


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
        for i, value in enumerate(array.tolist() if array.dtype.kind != "O" else array):
            if isinstance(value, np.datetime64):
                # One value of a datetime64 column: a UTC instant, as a whole column is.
                one = np.array([value])
                try:
                    _check_datetime64_range(one, name, source)
                except InvalidDataError:
                    raise InvalidDataError(
                        source, name, i, f"a time {NS_RANGE_TEXT}", value
                    ) from None
                out[i] = int(one.astype("datetime64[ns]").view(np.int64)[0])
            elif _is_missing(value):
                out[i] = NAT
            elif isinstance(value, str):
                out[i] = _iso_with_offset(value, name, source, i)
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
                    source,
                    name,
                    i,
                    "a timezone-aware datetime, a datetime64 or an ISO 8601 text with a UTC offset",
                    value,
                )
    # NAT is the smallest int64: one min finds out whether any value is missing.
    if not allow_missing and out.shape[0] and int(out.min()) == NAT:
        missing = np.flatnonzero(out == NAT)
        if missing.size:
            i = int(missing[0])
            raise InvalidDataError(source, name, i, "a timestamp", "a missing value (NaT/None)")
    return out


def _iso_with_offset(text: str, name: str, source: str, row: int) -> int:
    """An ISO 8601 timestamp with a UTC offset (``Z`` or ``+02:00``) as epoch ns, to the ns."""
    from ..io._parse import in_time_range, parse_iso_text  # the loaders' own reading

    hit = parse_iso_text(text.strip())
    if hit is None:
        raise InvalidDataError(
            source, name, row, "an ISO 8601 timestamp such as 2024-05-06T10:00:00+02:00", text
        )
    ns, naive = hit
    if naive:
        raise InvalidDataError(
            source,
            name,
            row,
            "a timestamp with a UTC offset (a naive one is ambiguous: place it in a time zone "
            "first, or load the data with load_messages(..., timezone=...))",
            text,
        )
    if not in_time_range(ns):
        raise InvalidDataError(source, name, row, f"a time {NS_RANGE_TEXT}", text)
    return ns


def read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``array``, marked read-only: results and tables share arrays, and nobody may change them."""
    array.flags.writeable = False
    return array
