"""Loading any tabular export: a CSV file, a pandas DataFrame or a pyarrow Table.

The caller maps the library's fields to the export's column names. Values are checked row by row
as they are converted; a row with a value that cannot be used is reported (line or row number,
column, what was expected, what was found) and, with ``errors="collect"``, left out.
"""

from __future__ import annotations

import math
import os
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_AGENT, AUTHOR_BOT, AUTHOR_CUSTOMER
from .._core.encode import (
    as_chunked,
    encode,
    indices_codes,
    is_arrow_column,
    is_text_type,
    plain_arrow,
    pyarrow_or_none,
)
from .._core.extras import require
from .._core.time import NAT, ns_to_datetime, unchecked_ns
from .._core.typing import BoolArray, Int64Array
from .._core.validation import check_bool
from ..errors import InvalidDataError, InvalidParameterError
from ..io._csv import CsvScanner
from ..io._parse import (
    EPOCH_FORMATS,
    TIME_RANGE,
    ParsedTimes,
    check_timestamp_format,
    datetime64_to_ns,
    in_time_range,
    localize,
    parse_formatted_times,
    parse_iso_arrow,
    parse_iso_text,
    parse_iso_times_fast,
)
from ..io._source import BinaryFile, FileSource, TextFile, check_source, is_file_object, open_source
from ..io.result import Errors, LoadResult, ProblemLog, check_chunk_size, check_errors
from ..tables.messages import MessageTable

if TYPE_CHECKING:
    import pandas
    import pyarrow

__all__ = ["FIELDS", "TabularSource", "load_messages"]

TabularSource: TypeAlias = (
    "str | os.PathLike[str] | BinaryFile | TextFile | pandas.DataFrame | pyarrow.Table"
)
"""What [`load_messages`][socialcare_metrics.load_messages] reads: the path of a CSV file (a `str`
or an `os.PathLike`), plain or compressed (gzip, bzip2, xz, Zstandard); a CSV file object open
in binary mode (``open(path, "rb")``, ``io.BytesIO``, ``gzip.GzipFile``) or in text mode
(``open(path, newline="")``, ``io.StringIO``); a `pandas.DataFrame` (needs the ``pandas``
extra) or a `pyarrow.Table` (needs the ``pyarrow`` extra)."""

#: The fields a column mapping may name; the first three are required.
FIELDS: Final = (
    "conversation_id",
    "sent_at",
    "author",
    "message_id",
    "agent_id",
    "channel",
    "private",
    "text",
    "tags",
    "sentiment",
    "quick_reply",
    "actioned_at",
    "assignee",
    "resolved_at",
)


_REQUIRED: Final = ("conversation_id", "sent_at", "author")


_TIME_FIELDS: Final = frozenset({"sent_at", "actioned_at", "resolved_at"})


_NAME_FIELDS: Final = frozenset({"agent_id", "channel", "quick_reply", "assignee"})


_AUTHOR_NAMES: Final = {"customer": "customer", "agent": "agent", "bot": "bot"}


_TRUE: Final = frozenset({"true", "1", "t", "yes", "y"})


_FALSE: Final = frozenset({"false", "0", "f", "no", "n", ""})


DEFAULT_CHUNK_SIZE: Final = 1 << 21


def load_messages(
    source: TabularSource,
    /,
    *,
    columns: Mapping[str, str],
    timezone: str | tzinfo | None = None,
    authors: Mapping[str, str] | None = None,
    tags_separator: str = ";",
    timestamp_format: str | None = None,
    errors: Errors = "raise",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> LoadResult:
    """Read messages from a CSV file, a pandas DataFrame or a pyarrow Table.

    Args:
        source: A CSV file, read in chunks: a path, plain or compressed (``.gz``, ``.bz2``,
            ``.xz``, and ``.zst`` with Python 3.14 or the ``zstd`` extra; recognised by the
            data's first bytes, whatever the name), or a file object open in binary or text
            mode (text is read as UTF-8; a file object is read from where it stands and is not
            closed). Or a ``pandas.DataFrame`` (needs the ``pandas`` extra) or a
            ``pyarrow.Table`` (needs the ``pyarrow`` extra).
        columns: Which column holds each field: ``{field: column name}``. Fields are
            ``conversation_id``, ``sent_at`` and ``author`` (required), and ``message_id``,
            ``agent_id``, ``channel``, ``private``, ``text``, ``tags``, ``sentiment``,
            ``quick_reply``, ``actioned_at``, ``assignee``, ``resolved_at``.
        timezone: The IANA time zone (or ``tzinfo``) to read timestamps that carry no UTC
            offset in. Without it such timestamps are refused: a naive time is ambiguous.
            Timestamps with an offset (``2024-05-06T10:00:00+02:00``, ``...Z``) are read as
            written either way.
        authors: The export's own words for who wrote a message, e.g.
            ``{"inbound": "customer", "outbound": "agent"}``. The words ``customer``, ``agent``
            and ``bot`` are always understood (in any case).
        tags_separator: What separates the topic paths in a text ``tags`` value.
        timestamp_format: How text timestamps are written, when not in ISO 8601: a
            ``strptime`` format such as ``"%d/%m/%Y %H:%M"`` or ``"%a %b %d %H:%M:%S %z %Y"``
            (a format without ``%z`` gives naive times, read in ``timezone``), or
            ``"epoch_s"``, ``"epoch_ms"``, ``"epoch_us"``, ``"epoch_ns"`` for numbers (or
            numeric text) since 1970-01-01T00:00:00Z. Columns the source already types as
            timestamps are read as they are.
        errors: ``"raise"`` (the default) stops at the first row that cannot be used with an
            [`InvalidDataError`][socialcare_metrics.InvalidDataError]; ``"collect"`` leaves such
            rows out and lists them in `LoadResult.problems`.
        chunk_size: For CSV files, how many bytes to read at a time (default 2 MiB).
        progress: For CSV files, show a progress bar on stderr while the file is read (needs
            the ``progress`` extra, tqdm). It counts the bytes of the file as stored (compressed
            bytes for a compressed file) and is closed when reading ends, also on an error.

    Returns:
        A [`LoadResult`][socialcare_metrics.LoadResult]. Its table's ``row`` column holds the
            0-based data row each message came from.

    Raises:
        InvalidParameterError: a bad option, an unknown field, a required field not mapped, a
            path that is not an existing file, or a source of an unsupported type.
        InvalidDataError: a mapped column is not in the source, or (with ``errors="raise"``) a
            row cannot be used.

    Examples:
        >>> import tempfile, pathlib
        >>> from socialcare_metrics import reply_wait_time
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
        >>> _ = path.write_text(
        ...     "ticket,at,who,by\\n"
        ...     "T1,2024-05-06 10:00:00,inbound,\\n"
        ...     "T1,2024-05-06 10:05:00,outbound,ana\\n"
        ... )
        >>> result = load_messages(
        ...     path,
        ...     columns={"conversation_id": "ticket", "sent_at": "at", "author": "who",
        ...              "agent_id": "by"},
        ...     authors={"inbound": "customer", "outbound": "agent"},
        ...     timezone="Europe/Berlin",
        ... )
        >>> str(reply_wait_time(result.table)), result.table.agent_names
        ('5 min', ('ana',))
    """
    function = "load_messages"
    errors = check_errors(function, errors)
    chunk_size = check_chunk_size(function, chunk_size)
    mapping = _check_columns(function, columns)
    zone = _check_timezone(function, timezone)
    words = _check_authors(function, authors)
    if not isinstance(tags_separator, str) or not tags_separator:
        raise InvalidParameterError(function, "tags_separator", "a non-empty str", tags_separator)
    time_format = check_timestamp_format(function, timestamp_format)

    progress = check_bool(progress, function, "progress")

    if isinstance(source, str | os.PathLike) or is_file_object(source):
        label = check_source(function, "source", source, "a CSV file")
        chunks = _csv_chunks(source, mapping, chunk_size, label, progress)
    elif _is_pandas(source):
        label = "DataFrame"
        chunks = _frame_chunks(source, mapping, label)
    elif _is_arrow(source):
        label = "pyarrow Table"
        chunks = _arrow_chunks(source, mapping, label)
    elif (table := _capsule_table(source)) is not None:
        # polars, DuckDB and other DataFrame libraries: through the Arrow PyCapsule interface.
        label = f"{type(source).__module__.partition('.')[0]} {type(source).__name__}"
        chunks = _arrow_chunks(table, mapping, label)
    else:
        raise InvalidParameterError(
            function,
            "source",
            "a path to a CSV file, a file object, a pandas DataFrame or a pyarrow Table",
            source,
        )

    log = ProblemLog(label, errors)
    parts: dict[str, list[Any]] = {field: [] for field in mapping}
    parts["_row"] = []
    parts["_line"] = []
    rows_read = 0
    for chunk in chunks:
        rows_read = chunk.rows_read
        for bad in chunk.bad:
            log.add(bad[0], bad[1], None, bad[2], bad[4], found=bad[3])
        converted, ok = _convert(chunk, mapping, zone, words, tags_separator, log, time_format)
        log.check()
        keep = np.flatnonzero(ok)
        for field, values in converted.items():
            parts[field].append(_take(values, keep))
        parts["_row"].append(chunk.rows[keep])
        parts["_line"].append(chunk.lines[keep])
    log.check()
    joined = {field: _concat(values) for field, values in parts.items()}
    table = _build(joined, mapping, log, label)
    log.check()
    _check_epoch_unit(function, time_format, table)
    return LoadResult(table=table, problems=log.result(), rows_read=rows_read, source=label)


#: Epoch times all before this (1980-01-01, in ns) are suspect...
_SUSPECT_BEFORE: Final = 315_532_800 * 10**9
#: ... when in a coarser unit they would fall between 1990-01-01 and 2100-01-01.
_PLAUSIBLE: Final = (631_152_000 * 10**9, 4_102_444_800 * 10**9)


def _check_epoch_unit(function: str, time_format: str | None, table: MessageTable) -> None:
    """Refuse an epoch unit finer than the numbers are written in: every message in the first
    weeks of 1970, where the numbers, read in a coarser unit, would be recent times (seconds
    read as milliseconds, say). Nothing else tells such a mistake from data."""
    unit = EPOCH_FORMATS.get(time_format or "")
    if unit is None or not len(table):
        return
    latest, earliest = int(table.sent_at.max()), int(table.sent_at.min())
    if latest >= _SUSPECT_BEFORE or earliest < 0:
        return
    for name, coarser in EPOCH_FORMATS.items():
        if coarser <= unit:
            continue
        scale = coarser // unit
        if _PLAUSIBLE[0] <= latest * scale < _PLAUSIBLE[1]:
            read = f"{ns_to_datetime(earliest):%Y-%m-%d} to {ns_to_datetime(latest):%Y-%m-%d}"
            meant = (
                f"{ns_to_datetime(earliest * scale):%Y-%m-%d} to "
                f"{ns_to_datetime(latest * scale):%Y-%m-%d}"
            )
            raise InvalidParameterError(
                function,
                "timestamp_format",
                f"the unit the numbers are written in: read as {time_format!r}, every message "
                f"was sent from {read}; read as {name!r}, from {meant}",
                time_format,
            )


def _check_columns(function: str, columns: object) -> dict[str, str]:
    if not isinstance(columns, Mapping):
        raise InvalidParameterError(
            function, "columns", "a mapping of field name to column name", columns
        )
    out: dict[str, str] = {}
    for field, column in columns.items():
        if field not in FIELDS:
            raise InvalidParameterError(
                function, "columns", f"fields among {', '.join(FIELDS)}", field
            )
        if not isinstance(column, str) or not column:
            raise InvalidParameterError(
                function, f"columns[{field!r}]", "a non-empty column name", column
            )
        out[field] = column
    for field in _REQUIRED:
        if field not in out:
            raise InvalidParameterError(
                function,
                "columns",
                f"a mapping that names the {field!r} column (required: {', '.join(_REQUIRED)})",
                dict(columns),
            )
    return out


def _check_timezone(function: str, timezone: object) -> tzinfo | None:
    if timezone is None or isinstance(timezone, tzinfo):
        return timezone
    if isinstance(timezone, str):
        try:
            return zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise InvalidParameterError(
        function,
        "timezone",
        "an IANA time zone name (e.g. 'Europe/Berlin'), a tzinfo or None",
        timezone,
    )


def _check_authors(function: str, authors: object) -> dict[str, str]:
    words = dict(_AUTHOR_NAMES)
    if authors is None:
        return words
    if not isinstance(authors, Mapping):
        raise InvalidParameterError(function, "authors", "a mapping of word to author", authors)
    for word, author in authors.items():
        if not isinstance(word, str | bool):
            raise InvalidParameterError(
                function, "authors", "a mapping whose keys are str (or bool) words", word
            )
        if author not in _AUTHOR_NAMES:
            raise InvalidParameterError(
                function, f"authors[{word!r}]", "one of 'customer', 'agent', 'bot'", author
            )
        # A bool column (inbound True/False) reads as the words "true" and "false".
        words[str(word).strip().lower()] = author
    return words


class _Chunk:
    """Raw values of the mapped columns for a run of rows, with their row and line numbers."""

    def __init__(
        self,
        values: dict[str, Any],
        rows: Int64Array,
        lines: Int64Array,
        rows_read: int,
        bad: list[tuple[int, int | None, str, str, str]],
        *,
        strings: bool,
        originals: dict[str, Any] | None = None,
    ) -> None:
        self.values = values  # field -> list of str (CSV) or of Python values / datetime64 array
        # field -> the pandas Series an Arrow column was made from: a problem with a missing
        # value shows the value pandas has (None, NaN, NA), as reading it value by value does.
        self.originals = originals or {}
        self.rows = rows
        self.lines = lines  # -1 for in-memory sources
        self.rows_read = rows_read
        self.bad = bad
        self.strings = strings


def _csv_chunks(
    source: FileSource, mapping: dict[str, str], chunk_size: int, label: str, progress: bool
) -> Iterable[_Chunk]:
    return _CsvChunks(source, mapping, chunk_size, label, progress)


class _CsvChunks:
    """The chunks of a CSV file, read when iterated.

    An iterable rather than a generator: the loop over it then holds the only reference to the
    generator that reads, so when an error leaves that loop, CPython closes the generator, and
    with it the file and the progress bar, at once (not when the traceback is let go).
    """

    def __init__(
        self,
        source: FileSource,
        mapping: dict[str, str],
        chunk_size: int,
        label: str,
        progress: bool,
    ) -> None:
        self.source = source
        self.mapping = mapping
        self.chunk_size = chunk_size
        self.label = label
        self.progress = progress

    def __iter__(self) -> Iterator[_Chunk]:
        label, mapping = self.label, self.mapping
        with open_source(self.source, label=label, progress=self.progress) as opened:
            scanner = CsvScanner(opened, chunk_size=self.chunk_size, source=label)
            index = {name: i for i, name in reversed(list(enumerate(scanner.header)))}
            for field, column in mapping.items():
                try:
                    _check_column(label, field, column, scanner.header)
                except InvalidDataError as error:
                    raise InvalidDataError(
                        label, column, scanner.header_line, error.expected, error.got
                    ) from None
            for chunk in scanner.read_ahead():
                bad: list[tuple[int, int | None, str, str, str]] = [
                    (b.row, b.line, b.expected, b.found, b.text) for b in chunk.bad
                ]
                if chunk.utf8 and pyarrow_or_none() is not None:
                    # Whole columns as Arrow strings, converted in Arrow.
                    values = {f: chunk.arrow(index[c]) for f, c in mapping.items()}
                else:
                    values = {f: chunk.strings(index[c]) for f, c in mapping.items()}
                yield _Chunk(values, chunk.rows, chunk.lines, chunk.rows_read, bad, strings=True)


def _is_pandas(source: object) -> bool:
    return type(source).__module__.startswith("pandas") and hasattr(source, "columns")


def _is_arrow(source: object) -> bool:
    return type(source).__module__.startswith("pyarrow") and hasattr(source, "column_names")


def _check_column(label: str, field: str, column: str, available: Sequence[Any]) -> None:
    """Refuse a mapped column that is not there, or whose name more than one column has."""
    count = sum(1 for name in available if name == column)
    if count == 1:
        return
    expected = f"a column named {column!r} for {field!r}"
    if count:
        expected = f"one column named {column!r} for {field!r} (it could be any of them)"
    raise InvalidDataError(
        label,
        column,
        None,
        expected,
        ", ".join(map(str, available)) if not count else f"{count} columns named {column!r}",
    )


def _frame_chunks(frame: Any, mapping: dict[str, str], label: str) -> Iterator[_Chunk]:
    require("pandas", "reading a pandas DataFrame")
    pa = pyarrow_or_none()
    n = len(frame)
    values: dict[str, Any] = {}
    originals: dict[str, Any] = {}
    for field, column in mapping.items():
        _check_column(label, field, column, list(frame.columns))
        series = frame[column]
        kind = str(series.dtype)
        if field in _TIME_FIELDS and kind.startswith("datetime64"):
            aware = getattr(series.dt, "tz", None) is not None
            if aware:
                series = series.dt.tz_convert("UTC").dt.tz_localize(None)
            values[field] = _Times(series.to_numpy(), naive=not aware)
            continue
        chunked = None
        if pa is not None and field not in _TIME_FIELDS:
            # Whole columns through Arrow where pandas' values read the same there: text,
            # ints, floats, bools, categories (None, NaN and NA all become Arrow's null).
            try:
                chunked = plain_arrow(as_chunked(pa.array(series, from_pandas=True)))
            except (TypeError, ValueError, OverflowError, pa.ArrowException):
                chunked = None
            if chunked is not None and not _arrow_readable(pa, chunked.type):
                chunked = None
        values[field] = chunked if chunked is not None else series.tolist()
        if chunked is not None:
            originals[field] = series
    rows = np.arange(n, dtype=np.int64)
    yield _Chunk(
        values, rows, np.full(n, -1, dtype=np.int64), n, [], strings=False, originals=originals
    )


def _arrow_readable(pa: Any, kind: Any) -> bool:
    """Whether a pandas column that Arrow holds as ``kind`` gives the values pandas gives."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        is_text_type(pa, kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
    )


def _capsule_table(source: object) -> Any:
    """A table exported through the Arrow PyCapsule interface, as a pyarrow Table; None for
    anything else (a single column exports a stream too, but not of a table)."""
    if isinstance(source, type) or not hasattr(source, "__arrow_c_stream__"):
        return None
    pa = require("pyarrow", "reading a DataFrame through the Arrow PyCapsule interface")
    try:
        return pa.table(source)
    except (TypeError, ValueError, pa.ArrowException):
        return None


def _arrow_chunks(table: Any, mapping: dict[str, str], label: str) -> Iterator[_Chunk]:
    """An Arrow table (or anything exporting one through the Arrow PyCapsule interface, such
    as a polars DataFrame): whole columns, converted in Arrow."""
    pa = require("pyarrow", "reading a pyarrow Table")
    if not isinstance(table, pa.Table):
        table = pa.Table.from_batches([table])
    n = table.num_rows
    values: dict[str, Any] = {}
    for field, column in mapping.items():
        _check_column(label, field, column, table.column_names)
        values[field] = plain_arrow(table.column(column))
    rows = np.arange(n, dtype=np.int64)
    yield _Chunk(values, rows, np.full(n, -1, dtype=np.int64), n, [], strings=False)


class _Times:
    """A time column that arrived as datetime64 values (in any unit; NaT for none): naive wall
    times, or UTC instants."""

    def __init__(self, values: npt.NDArray[Any], *, naive: bool) -> None:
        self.values = values
        self.naive = naive


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    if type(value).__name__ == "NAType":  # pandas' NA, whose truth value is an error
        return True
    try:
        return bool(value != value)  # NaT (pandas' and numpy's)
    except (TypeError, ValueError):
        return False


def _convert(
    chunk: _Chunk,
    mapping: dict[str, str],
    zone: tzinfo | None,
    words: dict[str, str],
    separator: str,
    log: ProblemLog,
    time_format: str | None = None,
) -> tuple[dict[str, Any], BoolArray]:
    n = chunk.rows.shape[0]
    ok = np.ones(n, dtype=bool)

    def bad(i: int, field: str, expected: str, got: Any, found: str | None = None) -> None:
        line = int(chunk.lines[i])
        log.add(
            int(chunk.rows[i]),
            line if line >= 0 else None,
            mapping[field],
            expected,
            got,
            found=found,
        )
        ok[i] = False

    out: dict[str, Any] = {}
    for field, raw in chunk.values.items():
        chunked = as_chunked(raw) if is_arrow_column(raw) else None
        if chunked is not None:
            original = chunk.originals.get(field)
            out[field] = _convert_arrow(
                field, chunked, zone, words, separator, bad, original, time_format
            )
        else:
            out[field] = _convert_values(field, raw, n, zone, words, separator, bad, time_format)
            if field == "author":  # the words as the table's codes, as from Arrow
                out[field] = np.array(
                    [_AUTHOR_CODE.get(word, 0) for word in out[field].tolist()], dtype=np.int8
                )
    return out, ok


def _convert_values(
    field: str,
    raw: Any,
    n: int,
    zone: tzinfo | None,
    words: dict[str, str],
    separator: str,
    bad: Any,
    time_format: str | None = None,
) -> npt.NDArray[Any]:
    """One field's values (a list, or a `_Times`), one by one: ``bad(i, field, expected, got,
    found=None)`` hears of each value that cannot be used."""
    if field in _TIME_FIELDS:
        return _times(raw, field, zone, bad, required=field == "sent_at", time_format=time_format)
    if field == "author":
        codes = np.empty(n, dtype=object)
        for i, value in enumerate(raw):
            text = _as_text(value)
            word = words.get(text.lower()) if text is not None else None
            if word is None:
                bad(
                    i,
                    field,
                    f"one of {', '.join(map(repr, sorted(words)))} (map the export's own words "
                    "with authors=)",
                    value,
                )
            codes[i] = word
        return codes
    if field in ("conversation_id", "message_id"):
        ids = np.empty(n, dtype=object)
        for i, value in enumerate(raw):
            text = _as_text(value)
            if text is None:
                bad(i, field, "a non-empty id", value)
            ids[i] = text
        return ids
    if field in _NAME_FIELDS:
        names = np.empty(n, dtype=object)
        for i, value in enumerate(raw):
            names[i] = _as_text(value)
            if names[i] is None and not _missing(value):
                bad(i, field, "a name (str) or nothing", value)
        return names
    if field == "private":
        flags = np.zeros(n, dtype=bool)
        for i, value in enumerate(raw):
            if isinstance(value, bool | np.bool_):
                flags[i] = bool(value)
            elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                flags[i] = value.strip().lower() in _TRUE
            elif isinstance(value, int | float) and value in (0, 1):
                flags[i] = bool(value)
            elif not _missing(value):
                bad(i, field, "true or false (or 1/0, yes/no)", value)
        return flags
    if field == "text":
        texts = np.empty(n, dtype=object)
        if all(type(value) is str for value in raw):
            texts[:] = raw
        else:
            for i, value in enumerate(raw):
                if isinstance(value, str):
                    texts[i] = value
                elif _missing(value):
                    texts[i] = ""
                else:
                    try:
                        texts[i] = str(value)
                    except ValueError:  # an int of more digits than Python will write out
                        bad(i, field, "a text", value)
                        texts[i] = ""
        return texts
    if field == "tags":
        tags = np.empty(n, dtype=object)
        for i, value in enumerate(raw):
            tags[i] = _tags(value, separator)
            if tags[i] is None:
                bad(
                    i,
                    field,
                    f"topic paths separated by {separator!r}, or a list of them",
                    value,
                )
                tags[i] = ()
        return tags
    # sentiment
    scores = np.full(n, np.nan)
    for i, value in enumerate(raw):
        if _missing(value):
            continue
        try:
            score = float(value)
        except (TypeError, ValueError, OverflowError):  # (an int past 1e308)
            score = math.nan
        if isinstance(value, bool) or not -1.0 <= score <= 1.0:
            bad(i, field, "a number in [-1, 1] or nothing", value)
        else:
            scores[i] = score
    return scores


# Fields converted once per distinct value (their values repeat: ids, names, words, flags).
_BY_VALUE: Final = frozenset(
    {"author", "conversation_id", "message_id", "private", "tags"} | _NAME_FIELDS
)


def _convert_arrow(
    field: str,
    chunked: Any,
    zone: tzinfo | None,
    words: dict[str, str],
    separator: str,
    bad: Any,
    original: Any = None,
    time_format: str | None = None,
) -> Any:
    """`_convert_values` for an Arrow column, by whole columns: each distinct value is judged
    once, by `_convert_values` itself, and what it becomes (or the problem it has) is spread to
    the rows that hold it. Ids and names come out as an Arrow dictionary array, which the table
    takes without looking at each row again."""
    pa = pyarrow_or_none()
    n = len(chunked)
    kind = chunked.type
    if field in _TIME_FIELDS:
        required = field == "sent_at"
        if pa.types.is_timestamp(kind):
            values = _arrow_times(pa, chunked)
            return _times(values, field, zone, bad, required=required)
        if time_format is None and is_text_type(pa, kind) and not chunked.null_count:
            counted = parse_iso_arrow(chunked)
            if counted is not None:  # from the column's bytes, no string per value
                return _times(chunked, field, zone, bad, required=required, counted=counted)
            strings = chunked.to_numpy(zero_copy_only=False).tolist()
            return _times(strings, field, zone, bad, required=required, text=True)
        return _convert_values(
            field, chunked.to_pylist(), n, zone, words, separator, bad, time_format
        )
    if field == "text" and is_text_type(pa, kind):
        return chunked.fill_null("").to_numpy(zero_copy_only=False)
    if field == "sentiment" and (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        scores = np.array(chunked.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False))
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(scores) & ~((scores >= -1.0) & (scores <= 1.0))
        for i in np.flatnonzero(outside).tolist():
            bad(i, field, "a number in [-1, 1] or nothing", chunked[i].as_py())
        scores[outside] = np.nan
        return scores
    encoded = None
    if field in _BY_VALUE and (
        is_text_type(pa, kind)
        or pa.types.is_dictionary(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_floating(kind)
    ):
        encoded = _arrow_codes(pa, chunked)
    if encoded is None:
        return _convert_values(field, chunked.to_pylist(), n, zone, words, separator, bad)
    codes, uniques = encoded
    # The last slot stands for the missing rows (code -1).
    problems: dict[int, tuple[str, Any, str | None]] = {}

    def bad_value(k: int, name: str, expected: str, got: Any, found: str | None = None) -> None:
        problems[k] = (expected, got, found)

    if (field in ("conversation_id", "message_id") or field in _NAME_FIELDS) and all(
        type(value) is str for value in uniques
    ):
        # What `_as_text` makes of a str, for every distinct one at once: stripped, or none.
        converted = np.array([value.strip() or None for value in uniques] + [None], dtype=object)
        if field in ("conversation_id", "message_id"):
            for k in np.flatnonzero(converted == None).tolist():  # noqa: E711
                bad_value(k, field, "a non-empty id", uniques[k] if k < len(uniques) else None)
    else:
        converted = _convert_values(
            field, [*uniques, None], len(uniques) + 1, zone, words, separator, bad_value
        )
    if problems:
        marked = np.zeros(len(uniques) + 1, dtype=bool)
        marked[list(problems)] = True
        slots = codes.copy()
        slots[codes < 0] = len(uniques)
        for i in np.flatnonzero(marked[slots]).tolist():
            expected, got, found = problems[int(slots[i])]
            if codes[i] < 0 and original is not None:
                got = original.iloc[i]
            bad(i, field, expected, got, found)
    if field == "author":
        # The words as the table's codes (a row with a problem is left out anyway).
        lookup = np.array([_AUTHOR_CODE.get(word, 0) for word in converted.tolist()], dtype=np.int8)
        return lookup[codes]
    if field in ("conversation_id", "message_id") or field in _NAME_FIELDS:
        names = converted.tolist()[:-1]
        dictionary = pa.array([name if name is not None else "" for name in names], pa.string())
        indices = pa.array(codes.astype(np.int32), mask=codes < 0)
        if names and any(name is None for name in names):
            none = np.array([name is None for name in names] + [True])
            indices = pa.array(codes.astype(np.int32), mask=none[codes])
        return pa.DictionaryArray.from_arrays(indices, dictionary)
    return converted[codes]


_AUTHOR_CODE: Final = {"customer": AUTHOR_CUSTOMER, "agent": AUTHOR_AGENT, "bot": AUTHOR_BOT}


def _arrow_codes(pa: Any, chunked: Any) -> tuple[Int64Array, list[Any]] | None:
    """An Arrow column as codes (-1 for null) and its distinct values as Python values."""
    if pa.types.is_dictionary(chunked.type):
        chunked = chunked.cast(chunked.type.value_type)
    try:
        encoded = chunked.dictionary_encode().combine_chunks()
    except pa.ArrowException:  # a type Arrow cannot encode: value by value
        return None
    return indices_codes(encoded.indices), encoded.dictionary.to_pylist()


def _arrow_times(pa: Any, chunked: Any) -> _Times:
    """An Arrow timestamp column as datetime64 in its own unit (a cast to ns could overflow):
    UTC instants for a zoned type, wall times for a naive one."""
    kind = chunked.type
    values = chunked.cast(pa.timestamp(kind.unit)).to_numpy()
    return _Times(values, naive=kind.tz is None)


def _as_text(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | np.integer | float):
        try:
            return str(value).strip()
        except ValueError:  # an int of more digits than Python will write out
            return None
    return None


def _tags(value: Any, separator: str) -> tuple[str, ...] | None:
    if _missing(value) and not isinstance(value, list | tuple):
        return ()
    if isinstance(value, str):
        items = value.split(separator)
    elif isinstance(value, list | tuple | np.ndarray):
        items = list(value)
    else:
        return None
    if not all(isinstance(t, str) for t in items):
        return None
    return tuple(t.strip() for t in items if t.strip())


_FORMAT_EXPECTED: Final = {
    "epoch_s": "a number of seconds since 1970-01-01T00:00:00Z",
    "epoch_ms": "a number of milliseconds since 1970-01-01T00:00:00Z",
    "epoch_us": "a number of microseconds since 1970-01-01T00:00:00Z",
    "epoch_ns": "a number of nanoseconds since 1970-01-01T00:00:00Z",
}


_NAIVE_EXPECTED: Final = (
    "a timestamp with a UTC offset (or pass timezone= to read naive times in it)"
)


_MISSING_FOUND: Final = "nothing: the value is missing"


def _times(
    raw: Any,
    field: str,
    zone: tzinfo | None,
    bad: Any,
    *,
    required: bool,
    text: bool = False,
    time_format: str | None = None,
    counted: ParsedTimes | None = None,
) -> Int64Array:
    """A time column as epoch ns (NAT for none), each value judged on its own.

    A value with a UTC offset is read as written; a naive one is placed in ``zone``, or reported
    without one; a missing one is no time (reported where a time is required); a value that
    does not parse, or whose instant int64 nanoseconds cannot hold, is reported. ``text`` says
    the values are all str already; ``counted``, that ``raw`` (an Arrow column) was parsed
    already, every value of it (see `parse_iso_arrow`).
    """
    if counted is not None:
        ns, parsed, naive, empty, outside = counted

        def shown(i: int) -> Any:
            return raw[i].as_py()

    elif isinstance(raw, _Times):
        ns, outside = datetime64_to_ns(raw.values)
        n = ns.shape[0]
        empty = (ns == NAT) & ~outside
        parsed = ~empty
        naive = parsed & ~outside if raw.naive else np.zeros(n, dtype=bool)

        def shown(i: int) -> Any:
            return raw.values[i]
    else:
        values = list(raw)
        n = len(values)
        expected = "an ISO 8601 timestamp such as 2024-05-06T10:00:00+02:00"
        if time_format is not None and not all(isinstance(v, datetime) for v in values):
            ns, parsed, naive, empty, outside = parse_formatted_times(values, time_format)
            expected = _FORMAT_EXPECTED.get(time_format, f"a timestamp written {time_format!r}")
        elif text or all(isinstance(v, str) for v in values):
            ns, parsed, naive, empty, outside = parse_iso_times_fast(values)
        else:
            ns, parsed, naive, empty, outside = _object_times(values)

        def shown(i: int) -> Any:
            return values[i]

        for i in np.flatnonzero(~parsed & ~empty).tolist():
            value = values[i]
            hint = ""
            if time_format is None and _is_number(value):
                hint = " (for numbers since 1970 pass timestamp_format='epoch_s' or 'epoch_ms')"
            bad(i, field, expected + hint, value)
    if required:
        for i in np.flatnonzero(empty).tolist():
            bad(i, field, "a timestamp", shown(i), found=_MISSING_FOUND)
    naive &= parsed & ~outside
    if naive.any():
        if zone is None:
            for i in np.flatnonzero(naive).tolist():
                bad(i, field, _NAIVE_EXPECTED, shown(i))
            ns[naive] = NAT
        else:
            placed = localize(ns[naive], zone)
            ns[naive] = placed
            outside[np.flatnonzero(naive)[placed == NAT]] = True
    for i in np.flatnonzero(outside).tolist():
        bad(i, field, TIME_RANGE, shown(i))
    ns[~parsed | outside] = NAT
    return ns


def _is_number(value: Any) -> bool:
    """An int or float (not a bool), or text that reads as one: maybe an epoch time."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return True
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return False
    return isinstance(value, float | np.floating) and math.isfinite(value)


def _object_times(
    values: list[Any],
) -> tuple[Int64Array, BoolArray, BoolArray, BoolArray, BoolArray]:
    """`parse_iso_times` for a column of Python values: datetimes, numpy datetime64 scalars
    (naive, as a naive datetime64 column is), ISO strings, missing values."""
    n = len(values)
    ns = np.full(n, NAT, dtype=np.int64)
    parsed = np.zeros(n, dtype=bool)
    naive = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    for i, value in enumerate(values):
        instant: int | None = None
        if _missing(value):
            empty[i] = True
        elif isinstance(value, datetime):
            naive[i] = value.tzinfo is None or value.utcoffset() is None
            if naive[i]:
                value = value.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
            # A pandas Timestamp holds nanoseconds that a datetime does not.
            instant = unchecked_ns(value) + int(getattr(value, "nanosecond", 0))
        elif isinstance(value, np.datetime64):
            one, beyond = datetime64_to_ns(np.array([value]))
            naive[i] = parsed[i] = True
            outside[i] = bool(beyond[0])
            ns[i] = one[0]
        elif isinstance(value, str):
            hit = parse_iso_text(value.strip())
            if hit is not None:
                instant, naive[i] = hit
        if instant is not None:
            parsed[i] = True
            if in_time_range(instant):
                ns[i] = instant
            else:
                outside[i] = True
    return ns, parsed, naive, empty, outside


def _take(values: Any, at: Int64Array) -> Any:
    """The values at positions ``at``, of a numpy array or an Arrow array."""
    if isinstance(values, np.ndarray):
        return values if at.shape[0] == values.shape[0] else values[at]
    return values if len(at) == len(values) else values.take(at)


def _concat(values: list[Any]) -> Any:
    """One column from a column's chunks (numpy or Arrow arrays)."""
    if not values:
        return np.zeros(0)
    # A chunk without rows holds no values: its type (an empty array of either kind) must
    # not decide the column's.
    values = [v for v in values if len(v)] or values[:1]
    if len(values) == 1:
        return values[0]
    if all(isinstance(v, np.ndarray) for v in values):
        return np.concatenate(values)
    if any(isinstance(v, np.ndarray) for v in values):
        # Blocks read value by value (not UTF-8) beside blocks read in Arrow.
        return np.concatenate([_objects(v) for v in values])
    pa = pyarrow_or_none()
    return pa.chunked_array(values)


def _check_resolutions(
    joined: dict[str, npt.NDArray[Any]],
    rows: Int64Array,
    lines: Int64Array,
    keep: BoolArray,
    column: str,
    log: ProblemLog,
) -> None:
    """Report (and stop keeping) the rows that give a conversation a resolution before its first
    message.

    A conversation's resolution is the latest ``resolved_at`` on its rows; when even that is
    before its first message, every row that gives one is a problem, and the conversation's
    other rows are loaded as an open conversation.
    """
    resolved = joined["resolved_at"]
    sent = joined["sent_at"]
    # Only a conversation with a row resolved before that row's own message can fail, so only
    # those are looked at closely: usually none.
    early = keep & (resolved != NAT) & (resolved < sent)
    if not early.any():
        return
    conversation = _objects(joined["conversation_id"])
    suspects = set(conversation[early].tolist())
    first: dict[Any, int] = {}  # conversation -> index of its first message
    latest: dict[Any, int] = {}  # conversation -> its latest resolved_at
    for i in np.flatnonzero(keep).tolist():
        key = conversation[i]
        if key not in suspects:
            continue
        if key not in first or sent[i] < sent[first[key]]:
            first[key] = i
        if resolved[i] != NAT:
            latest[key] = max(latest.get(key, NAT), int(resolved[i]))
    failing = {key for key, value in latest.items() if value < sent[first[key]]}
    for i in np.flatnonzero(keep & (resolved != NAT)).tolist():
        key = conversation[i]
        if key not in failing:
            continue
        at = first[key]
        where = f"line {int(lines[at])}" if lines[at] >= 0 else f"row {int(rows[at])}"
        log.add(
            int(rows[i]),
            int(lines[i]) if lines[i] >= 0 else None,
            column,
            f"a time at or after the first message of conversation {key!r} "
            f"({ns_to_datetime(int(sent[at]))}, {where})",
            ns_to_datetime(int(resolved[i])),
        )
        keep[i] = False


def _objects(values: Any) -> npt.NDArray[Any]:
    """A column as a numpy array (an Arrow one as Python values)."""
    if isinstance(values, np.ndarray):
        return values
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)


def _value(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, np.ndarray) else values[i].as_py()


def _ids_codes(values: Any) -> Int64Array:
    """Codes of an id column (equal ids, equal codes), in C where possible."""
    encoded = encode(values if isinstance(values, np.ndarray) else as_chunked(values))
    if encoded is not None:
        return encoded.codes
    lookup: dict[Any, int] = {}
    items = _objects(values).tolist()
    return np.fromiter(
        (lookup.setdefault(v, len(lookup)) for v in items), np.int64, count=len(items)
    )


def _repeats(conversation: Any, message: Any) -> list[tuple[int, int]]:
    """(row, first row) for each row whose (conversation, message id) an earlier row has."""
    conv = _ids_codes(conversation)
    ids = _ids_codes(message)
    if conv.shape[0] < 2:
        return []
    key = conv * (int(ids.max()) + 1) + ids
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    again = np.flatnonzero(ranked[1:] == ranked[:-1]) + 1
    if not again.size:
        return []
    # The first row of each run of equal keys.
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    run_start = starts[np.searchsorted(starts, again, side="right") - 1]
    return sorted(zip(order[again].tolist(), order[run_start].tolist(), strict=True))


def _build(
    joined: dict[str, npt.NDArray[Any]], mapping: dict[str, str], log: ProblemLog, label: str
) -> MessageTable:
    rows = joined.pop("_row").astype(np.int64)
    lines = joined.pop("_line").astype(np.int64)
    keep = np.ones(rows.shape[0], dtype=bool)
    if "message_id" in joined:
        # A message id is used once per conversation: later rows with one are reported.
        for i, first in _repeats(joined["conversation_id"], joined["message_id"]):
            conversation = _value(joined["conversation_id"], i)
            where = f"line {int(lines[first])}" if lines[first] >= 0 else f"row {rows[first]}"
            log.add(
                int(rows[i]),
                int(lines[i]) if lines[i] >= 0 else None,
                mapping["message_id"],
                f"a message id not used before in conversation {conversation!r} ({where} has it)",
                _value(joined["message_id"], i),
            )
            keep[i] = False
    if "resolved_at" in joined:
        _check_resolutions(joined, rows, lines, keep, mapping["resolved_at"], log)
        log.check()
    if not keep.all():
        sel = np.flatnonzero(keep)
        joined = {field: _take(values, sel) for field, values in joined.items()}
        rows, lines = rows[sel], lines[sel]
    # Time columns are int64 epoch ns here, NAT for none: from_columns reads them as such.
    arguments: dict[str, Any] = dict(joined)
    try:
        table = MessageTable.from_columns(**arguments)
    except InvalidDataError as error:
        position = error.row
        at: int | None = None
        if position is not None and 0 <= position < rows.shape[0]:
            at = int(lines[position]) if lines[position] >= 0 else int(rows[position])
        column = mapping.get(error.column or "", error.column)
        raise InvalidDataError(label, column, at, error.expected, error.got) from error
    # The table again, with ``row`` naming the source's data rows (private slots are the table's
    # own caches, made by its constructor).
    columns = {
        name: getattr(table, name) for name in MessageTable.__slots__ if not name.startswith("_")
    }
    columns["row"] = rows[table.row]
    return MessageTable(**columns)
