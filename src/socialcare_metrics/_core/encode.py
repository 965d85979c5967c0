"""Columns in C: factorising and converting whole columns where pyarrow (or pandas) is installed.

The table's builders need, per categorical column, a code per row and the distinct values. A
Python dict walk costs about a second per million strings; Arrow's ``dictionary_encode`` (or
``pandas.factorize``) does it in a few milliseconds. Neither library is required: without them
(or for values they would read differently, such as ints beside strs) the callers keep their
value-by-value way, which is also what the fast way is tested against.

Columns from other DataFrame libraries (polars, DuckDB, ...) arrive through the Arrow PyCapsule
interface (``__arrow_c_stream__`` / ``__arrow_c_array__``), read by pyarrow, so no library needs a
branch of its own.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .typing import Int64Array

__all__ = [
    "Encoded",
    "arrow_codes",
    "arrow_column",
    "as_chunked",
    "encode",
    "id_fingerprint",
    "indices_codes",
    "is_arrow_column",
    "is_text_type",
    "plain_arrow",
    "pyarrow_or_none",
    "unique_in_groups",
    "value_words",
]


_PYARROW: list[Any] = []  # the module once looked for, or None


def pyarrow_or_none() -> Any:
    """The pyarrow module when it is installed, else None (looked for once)."""
    if not _PYARROW:
        try:
            _PYARROW.append(importlib.import_module("pyarrow"))
        except ImportError:  # pragma: no cover - the test environment has pyarrow
            _PYARROW.append(None)
    return _PYARROW[0]


def _pandas_or_none() -> Any:
    """pandas when it is imported already (a caller with pandas data has), else None."""
    return sys.modules.get("pandas")


def is_arrow_column(values: object) -> bool:
    """Whether ``values`` is a pyarrow Array or ChunkedArray."""
    module = type(values).__module__
    if not module.startswith("pyarrow"):
        return False
    pa = pyarrow_or_none()
    return pa is not None and isinstance(values, pa.Array | pa.ChunkedArray)


def arrow_column(values: object) -> Any:
    """``values`` as a pyarrow ChunkedArray when it is an Arrow column or exports one through
    the Arrow PyCapsule interface (a polars Series, say); else None."""
    pa = pyarrow_or_none()
    if pa is None or isinstance(values, np.ndarray):
        return None
    if isinstance(values, pa.ChunkedArray):
        return plain_arrow(values)
    if isinstance(values, pa.Array):
        return plain_arrow(pa.chunked_array([values]))
    # A pandas Series is read by pandas' own rules (its dtype, NaN for missing), not Arrow's.
    if type(values).__module__.startswith("pandas"):
        return None
    try:
        if hasattr(values, "__arrow_c_stream__"):
            return plain_arrow(pa.chunked_array(values))
        if hasattr(values, "__arrow_c_array__"):
            return plain_arrow(as_chunked(pa.array(values)))
    except (TypeError, ValueError, pa.ArrowException):
        return None
    return None


def plain_arrow(chunked: Any) -> Any:
    """An Arrow column with view types (polars' strings) cast to the plain ones."""
    pa = pyarrow_or_none()
    kind = chunked.type
    if pa.types.is_dictionary(kind) and _is_view(pa, kind.value_type):
        return chunked.cast(pa.dictionary(kind.index_type, pa.large_string()))
    if _is_view(pa, kind):
        return chunked.cast(pa.large_string() if "string" in str(kind) else pa.large_binary())
    return chunked


def _is_view(pa: Any, kind: Any) -> bool:
    return bool(
        getattr(pa.types, "is_string_view", lambda _: False)(kind)
        or getattr(pa.types, "is_binary_view", lambda _: False)(kind)
    )


def as_chunked(array: Any) -> Any:
    """An Arrow Array or ChunkedArray as a ChunkedArray (``pyarrow.array`` gives either)."""
    pa = pyarrow_or_none()
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


class Encoded(NamedTuple):
    """A column as codes into its distinct values."""

    codes: Int64Array  # per row: an index into ``uniques``, -1 for a missing value
    uniques: list[Any]  # the distinct values (Python str or int), in order of first appearance


def is_text_type(pa: Any, kind: Any) -> bool:
    """Whether an Arrow type holds text (string, large string or string view)."""
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or getattr(pa.types, "is_string_view", lambda _: False)(kind)
    )


def _encode_chunked(pa: Any, chunked: Any, *, ints: bool) -> Encoded | None:
    kind = chunked.type
    if pa.types.is_dictionary(kind):
        value_type = kind.value_type
        if not (is_text_type(pa, value_type) or (ints and pa.types.is_integer(value_type))):
            return None
        if chunked.num_chunks == 1:
            array = chunked.chunk(0)
            dictionary = array.dictionary
            # A text dictionary told distinct by hashing needs no set of its values.
            distinct = (
                is_text_type(pa, value_type)
                and not dictionary.null_count
                and unique_in_groups(
                    np.zeros(len(dictionary), dtype=np.int64), pa.chunked_array([dictionary])
                )
            )
            return _first_appearance(
                indices_codes(array.indices), dictionary.to_pylist(), distinct=distinct
            )
        # Decoding and encoding again gives one dictionary for all chunks.
        chunked = chunked.cast(value_type)
    elif not (is_text_type(pa, kind) or (ints and pa.types.is_integer(kind))):
        return None
    if chunked.num_chunks == 0:
        return Encoded(np.zeros(0, dtype=np.int64), [])
    encoded = chunked.dictionary_encode().combine_chunks()
    return Encoded(indices_codes(encoded.indices), encoded.dictionary.to_pylist())


def arrow_codes(chunked: Any) -> tuple[Int64Array, int] | None:
    """Codes of an Arrow column of ids with no missing or empty value, and how many distinct
    ids there are, without a Python object per id; None for anything else."""
    pa = pyarrow_or_none()
    kind = chunked.type
    if pa.types.is_dictionary(kind):
        chunked = chunked.cast(kind.value_type)
        kind = kind.value_type
    if chunked.null_count or not (is_text_type(pa, kind) or pa.types.is_integer(kind)):
        return None
    if is_text_type(pa, kind):
        pc = importlib.import_module("pyarrow.compute")
        if pc.any(pc.equal(pc.utf8_length(chunked), 0)).as_py():
            return None
    encoded = chunked.dictionary_encode().combine_chunks()
    return indices_codes(encoded.indices), len(encoded.dictionary)


def indices_codes(indices: Any) -> Int64Array:
    """A dictionary array's indices (of any int type) as int64 codes, -1 for null."""
    pa = pyarrow_or_none()
    indices = indices.cast(pa.int64())
    if indices.null_count:
        indices = indices.fill_null(-1)
    return np.array(indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def _first_appearance(codes: Int64Array, uniques: list[Any], *, distinct: bool = False) -> Encoded:
    """Codes into a dictionary renumbered as ``dictionary_encode`` numbers them: in order of
    first appearance, each value once, none unused, a missing value (None) as -1.
    ``distinct``: the caller knows the values are distinct and none is None."""
    n = codes.shape[0]
    k = len(uniques)
    present = codes[codes >= 0]
    if present.size:
        # Numbered in order of first appearance, none unused: each code is at most one more
        # than the largest before it, and the largest is the last.
        highest = np.maximum.accumulate(present)
        numbered = (
            int(present[0]) == 0
            and int(highest[-1]) == k - 1
            and bool(np.all(present[1:] <= highest[:-1] + 1))
        )
    else:
        numbered = k == 0
    if numbered and (distinct or (None not in uniques and len(set(uniques)) == k)):
        return Encoded(codes, uniques)
    first = np.full(k, n, dtype=np.int64)
    at = np.flatnonzero(codes >= 0)
    np.minimum.at(first, codes[at], at)
    remap = np.full(k + 1, -1, dtype=np.int64)
    seen: dict[Any, int] = {}
    for j in np.argsort(first, kind="stable").tolist():
        value = uniques[j]
        if first[j] == n or value is None:
            continue  # unused, or a missing value in the dictionary itself
        remap[j] = seen.setdefault(value, len(seen))
    return Encoded(remap[codes], list(seen))


def encode(values: Any, *, ints: bool = True) -> Encoded | None:
    """``values`` (a numpy array or an Arrow column) as codes and distinct values, in C.

    Returns None when no library for it is installed or the values are not all str (or, with
    ``ints``, all int), missing values aside: the caller then looks at them one by one. Missing
    values are None, NaN and pandas' NA.
    """
    pa = pyarrow_or_none()
    if pa is not None and isinstance(values, pa.ChunkedArray):
        return _encode_chunked(pa, values, ints=ints)
    if not isinstance(values, np.ndarray) or values.dtype.kind not in "OU":
        return None
    if values.dtype.kind == "U":
        if pa is not None:
            return _encode_chunked(pa, as_chunked(pa.array(values)), ints=False)
        return _encode_pandas(values, ints=False)
    if pa is not None:
        try:
            array = pa.array(values, from_pandas=True)
        except (TypeError, ValueError, OverflowError, pa.ArrowException):
            return None  # mixed kinds, ints beyond 64 bits, objects Arrow does not know
        return _encode_chunked(pa, as_chunked(array), ints=ints)
    return _encode_pandas(values, ints=ints)


def _encode_pandas(values: npt.NDArray[Any], *, ints: bool) -> Encoded | None:
    pd = _pandas_or_none()
    if pd is None:
        return None
    kinds = ("string", "empty", "integer") if ints else ("string", "empty")
    if pd.api.types.infer_dtype(values, skipna=True) not in kinds:
        return None
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return Encoded(np.asarray(codes, dtype=np.int64), [_plain(v) for v in uniques])


def _plain(value: Any) -> Any:
    """numpy's str_ and integer scalars as Python str and int."""
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def first_row(codes: Int64Array, mask: npt.NDArray[np.bool_]) -> int:
    """The first row whose code is marked in ``mask`` (a bool per code, the last for -1)."""
    return int(np.flatnonzero(mask[codes])[0])


#: The widest ids (in bytes) `unique_in_groups` reads; wider ones are hashed by Arrow instead.
_MAX_HASHED_WIDTH = 64


_MIX = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / the golden ratio: an odd multiplier that mixes


_ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def value_words(
    buf: npt.NDArray[np.uint8], starts: Int64Array, lengths: Int64Array, j: int = 0
) -> npt.NDArray[np.uint64]:
    """Bytes ``8j`` to ``8j + 7`` of each value (``lengths[i]`` bytes from ``starts[i]`` in
    ``buf``) as one little-endian 64-bit word, the value's first byte its lowest, and the bytes
    past the value's end zero. Read through an overlapping view of ``buf``, without a copy."""
    size = buf.shape[0]
    at = starts + 8 * j
    words = np.zeros(starts.shape[0], dtype="<u8")
    if size >= 8:
        # The 8 bytes from each position of the buffer, as one word.
        word_at = np.ndarray(shape=(size - 7,), dtype="<u8", buffer=buf, strides=(1,))
        words = word_at[np.clip(at, 0, size - 8)]
    for i in np.flatnonzero((at > size - 8) & (lengths > 8 * j)).tolist():  # near the end
        tail = np.zeros(8, dtype=np.uint8)
        piece = buf[at[i] : at[i] + 8]
        tail[: piece.shape[0]] = piece
        words[i] = tail.view("<u8")[0]
    left = np.clip(lengths - 8 * j, 0, 8).astype(np.uint64)
    with np.errstate(over="ignore"):
        mask = np.where(left == 8, _ALL_ONES, (np.uint64(1) << (left * np.uint64(8))) - 1)
    masked: npt.NDArray[np.uint64] = np.bitwise_and(words, mask)
    return masked


def _arrow_text(array: Any) -> tuple[npt.NDArray[np.uint8], Int64Array, Int64Array]:
    """A string or large string Arrow array's bytes, and each value's start and length."""
    pa = pyarrow_or_none()
    n = len(array)
    offsets_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offsets_type)[array.offset : array.offset + n + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return data, offsets[:-1].astype(np.int64), np.diff(offsets).astype(np.int64)


def _word_hashes(
    data: npt.NDArray[np.uint8], starts: Int64Array, lengths: Int64Array, seeds: Int64Array
) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each (seed, value) pair: the value's length and seed, mixed with each of
    its 8-byte words in turn (`_id_hash` is the same for one value, seed 0, in Python)."""
    seed_words = seeds.astype(np.uint64)
    with np.errstate(over="ignore"):
        hashes = (lengths.astype(np.uint64) ^ (seed_words << np.uint64(32))) * _MIX
        for j in range(-(-int(lengths.max(initial=0)) // 8)):
            mixed = (hashes ^ value_words(data, starts, lengths, j)) * _MIX
            mixed ^= mixed >> np.uint64(29)
            hashes = np.where(lengths > 8 * j, mixed, hashes)
        hashes ^= seed_words
        hashes *= _MIX
        hashes ^= hashes >> np.uint64(32)
    return hashes


def unique_in_groups(groups: Int64Array, chunked: Any) -> bool:
    """Whether no text value of an Arrow column is found twice within a group (nor is missing
    or empty), told by hashing each (group, value) pair with numpy; False when it cannot tell
    cheaply (a missing or empty value, values wider than 64 bytes, no pyarrow) or when two
    hashes are equal: the caller then checks exactly, and says where.

    Values are read 8 bytes at a time (64-bit words, the last one masked to the value's end)
    and hashed with their length and group: equal pairs have equal hashes, so all
    hashes distinct proves all pairs distinct. Several times faster than Arrow's dictionary
    encoding of a million distinct ids, which builds a hash table of them.
    """
    pa = pyarrow_or_none()
    if pa is None or chunked.null_count or not is_text_type(pa, chunked.type):
        return False
    if not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        try:
            chunked = chunked.cast(pa.large_string())
        except pa.ArrowNotImplementedError:  # pragma: no cover - string views in pyarrow < 18
            return False
    array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
    if len(array) == 0:
        return True
    data, starts, lengths = _arrow_text(array)
    if int(lengths.min()) == 0 or int(lengths.max()) > _MAX_HASHED_WIDTH:
        return False
    hashes = _word_hashes(data, starts, lengths, groups)
    hashes.sort()
    return not bool((hashes[1:] == hashes[:-1]).any())


_MASK64 = (1 << 64) - 1


def _id_hash(value: bytes) -> int:
    """`id_fingerprint`'s hash of one id's bytes, in Python (the same as the numpy path's)."""
    mix = int(_MIX)
    h = (len(value) * mix) & _MASK64
    for j in range(0, len(value), 8):
        h ^= int.from_bytes(value[j : j + 8].ljust(8, b"\0"), "little")
        h = (h * mix) & _MASK64
        h ^= h >> 29
    h = (h * mix) & _MASK64
    return h ^ (h >> 32)


def id_fingerprint(ids: npt.NDArray[Any]) -> int:
    """The XOR of a 64-bit hash of each id's text (UTF-8), 0 for none: the same for the same
    ids in any process and any order, and the XOR of two slices' fingerprints for their union.

    With pyarrow the ids are hashed 8 bytes at a time for all of them at once; without it one by
    one, by the same arithmetic.
    """
    if ids.shape[0] == 0:
        return 0
    pa = pyarrow_or_none()
    if pa is None:
        out = 0
        for value in ids.tolist():
            out ^= _id_hash(str(value).encode())
        return out
    data, starts, lengths = _arrow_text(pa.array([str(v) for v in ids.tolist()], pa.large_string()))
    hashes = _word_hashes(data, starts, lengths, np.zeros(starts.shape[0], dtype=np.int64))
    return int(np.bitwise_xor.reduce(hashes))
