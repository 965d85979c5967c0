"""A vectorised CSV splitter: field boundaries of a whole block of bytes found with numpy.

The standard library's ``csv`` module makes one Python list per row and one str per field, which
costs more than everything else a loader does. Here a block of the file is read as bytes, and the
positions of the delimiters that are not inside quotes are found at once: a character is inside a
quoted field when the number of field-quoting quote characters before it is odd (an escaped quote
``""`` adds two, so it does not change that). Commas and line feeds outside quotes end fields and
records. Loaders then parse numbers and timestamps straight from the bytes, and make Python strings
only for the columns that stay strings (text, handles).

The dialect is RFC 4180, read the way Python's ``csv`` module reads it with its default settings,
with the variations real exports have:

- a quote opens a quoted field only at the start of a field; a quote anywhere else in an unquoted
  field is an ordinary character (``say "hi"`` is the text ``say "hi"``), so it never changes
  where the following records start;
- ``\n`` or ``\r\n`` line endings; line breaks and carriage returns inside quoted fields; a bare
  carriage return inside an unquoted field is kept as part of the field (where ``csv.reader``
  would end the row there);
- blank lines are skipped.

A record with the wrong number of fields, text after the closing quote of a quoted field (``"a"b``,
which could mean ``ab`` or the literal ``"a"b``), a quoted field that is never closed, or bytes that
are not UTF-8 is reported with its line number, never dropped silently.

Line numbers are 1-based and count line feeds; the header is line 1. A record that holds line
breaks inside quotes is reported at the line where it starts.
"""

from __future__ import annotations

import importlib
import os
import queue
import threading
from collections.abc import Iterator
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from .._core.encode import pyarrow_or_none, value_words
from .._core.typing import Int64Array, UInt8Array
from ..errors import InvalidDataError

_COMMA: Final = 44


_LF: Final = 10


_CR: Final = 13


_QUOTE: Final = 34


_BOM: Final = b"\xef\xbb\xbf"


#: Arrow string views hold values of at most this many bytes in themselves.
_VIEW_INLINE: Final = 12


#: String views give offsets as int32: blocks this large or larger are read value by value.
_MAX_VIEW_OFFSET: Final = 1 << 31


class BadRecord:
    """A record the splitter could not use: its data row number, line, what was expected and
    what was found."""

    __slots__ = ("expected", "found", "line", "row", "text")

    def __init__(self, row: int, line: int, expected: str, found: str, text: str) -> None:
        self.row = row
        self.line = line
        self.expected = expected
        self.found = found
        self.text = text  # the record as written


class CsvChunk:
    """The well-formed records of one block: field boundaries, row and line numbers."""

    __slots__ = (
        "_bounds",
        "_valid",
        "bad",
        "buf",
        "data",
        "ends",
        "lines",
        "quotes",
        "rows",
        "rows_read",
        "starts",
    )

    def __init__(
        self,
        data: bytes,
        buf: UInt8Array,
        starts: Int64Array,
        ends: Int64Array,
        rows: Int64Array,
        lines: Int64Array,
        quotes: Int64Array,
    ) -> None:
        self.data = data
        self.buf = buf
        self.starts = starts  # (n, n_fields): first byte of each field
        self.ends = ends  # (n, n_fields): one past the last byte
        self.rows = rows  # 0-based data row number of each record (header and blanks not counted)
        self.lines = lines  # 1-based line where each record starts
        self.quotes = quotes  # positions of every quote character in the block
        self.bad: list[BadRecord] = []  # the records of the block that could not be used
        self.rows_read = -1  # the scanner's count when this chunk was split (see read_ahead)
        self._valid = False  # True once the whole block is known to be UTF-8
        self._bounds: dict[int, tuple[Int64Array, Int64Array, npt.NDArray[np.bool_]]] = {}

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @property
    def utf8(self) -> bool:
        """Whether the whole block is known to be UTF-8."""
        return self._valid

    def bounds(self, column: int) -> tuple[Int64Array, Int64Array, npt.NDArray[np.bool_]]:
        """Start and end of a column's values with any enclosing quotes removed, and which
        values were quoted."""
        cached = self._bounds.get(column)
        if cached is None:
            s = self.starts[:, column]
            e = self.ends[:, column]
            quoted = (e - s >= 2) & (self.buf[np.minimum(s, len(self.buf) - 1)] == _QUOTE)
            cached = self._bounds[column] = (s + quoted, e - quoted, quoted)
        return cached

    def strings(self, column: int, rows: Int64Array | None = None) -> list[str]:
        """A column's values as Python strings, unquoted (only ``rows`` of them, if given)."""
        s, e, quoted = self.bounds(column)
        if rows is not None:
            s, e, quoted = s[rows], e[rows], quoted[rows]
        data = self.data
        # One decode per value: fields start and end at ASCII delimiters, so in a block that is
        # UTF-8 each value is too, and most values come out as compact ASCII strings.
        if self._valid:
            values = [data[a:b].decode() for a, b in zip(s.tolist(), e.tolist(), strict=True)]
        else:
            values = [
                data[a:b].decode("utf-8", errors="replace")
                for a, b in zip(s.tolist(), e.tolist(), strict=True)
            ]
        if quoted.any() and self.quotes.size:
            # Quotes inside a quoted value are escaped by doubling; undo that where there are any.
            s0, e0, _ = self.bounds(column)
            if rows is not None:
                s0, e0 = s0[rows], e0[rows]
            # (s0, e0 hold byte offsets; the quote positions are byte offsets too.) Only the
            # quoted values are looked up.
            at = np.flatnonzero(quoted)
            inner = np.searchsorted(self.quotes, e0[at]) - np.searchsorted(self.quotes, s0[at])
            for i in at[inner > 0].tolist():
                values[i] = values[i].replace('""', '"')
        return values

    def objects(self, column: int, rows: Int64Array | None = None) -> npt.NDArray[np.object_]:
        """A column's values as an object array of Python strings, unquoted (only ``rows`` of
        them, if given): the same values as `strings`, made faster where it can.

        In a block known to be UTF-8, with pyarrow installed, Arrow makes the Python strings
        from a string view array over the block's own bytes (see `arrow`), faster than one
        ``bytes.decode`` per value. Otherwise one decode per value.
        """
        if self._valid and len(self.buf) < _MAX_VIEW_OFFSET:
            pa = pyarrow_or_none()
            views = None if pa is None else self._views(pa, column, rows)
            values: npt.NDArray[np.object_] | None = None
            if views is not None:
                try:
                    values = views.to_numpy(zero_copy_only=False)
                except pa.ArrowNotImplementedError:  # pragma: no cover - an older pyarrow
                    values = None
            if values is not None:
                for i in self._doubled_quotes(column, rows).tolist():
                    values[i] = values[i].replace('""', '"')
                return values
        out = np.empty(len(self) if rows is None else rows.shape[0], dtype=object)
        out[:] = self.strings(column, rows)
        return out

    def _views(self, pa: Any, column: int, rows: Int64Array | None) -> Any:
        """The column's values, quotes doubled as written, as an Arrow string view array over
        the block's bytes; None where pyarrow has no string views."""
        if not hasattr(pa, "string_view"):  # pragma: no cover - pyarrow before 16
            return None
        s, e, _ = self.bounds(column)
        short, _ = self.matrix(column, _VIEW_INLINE, rows)
        if rows is not None:
            s, e = s[rows], e[rows]
        n = s.shape[0]
        if n and not bool(np.all((s >= 0) & (e >= s) & (e <= len(self.buf)))):  # pragma: no cover
            return None  # Arrow would read outside the block: never hand it such a view
        lengths = (e - s).astype(np.int32)
        # Arrow's string view layout, 16 bytes per value: the length, then either the value
        # itself (12 bytes or fewer, zero-padded) or its first 4 bytes, the buffer (0) and the
        # value's offset in it.
        views = np.zeros((n, 16), dtype=np.uint8)
        views[:, 4:] = short
        words = views.view(np.int32)
        words[:, 0] = lengths
        long = lengths > _VIEW_INLINE
        words[long, 2] = 0
        words[long, 3] = s[long]
        try:
            return pa.Array.from_buffers(
                pa.string_view(), n, [None, pa.py_buffer(views), pa.py_buffer(self.buf)]
            )
        except (ValueError, pa.ArrowException):  # pragma: no cover - pyarrow 16 and 17
            return None  # (whose string views take no data buffers from Python)

    def _doubled_quotes(self, column: int, rows: Int64Array | None) -> Int64Array:
        """The values (positions among ``rows``) that are quoted and hold an escaped quote."""
        s, e, quoted = self.bounds(column)
        if rows is not None:
            s, e, quoted = s[rows], e[rows], quoted[rows]
        if not self.quotes.size or not quoted.any():
            return np.zeros(0, dtype=np.int64)
        inner = np.searchsorted(self.quotes, e) - np.searchsorted(self.quotes, s)
        return np.flatnonzero(quoted & (inner > 0))

    def arrow(self, column: int) -> Any:
        """A column's values as a pyarrow string array, unquoted, without a Python string per
        value: the block's bytes are described to Arrow as a string view array (16 bytes per
        value, no copy of the text), which Arrow copies into one large string array. Needs
        pyarrow; only for a block known to be UTF-8 (each value then is too)."""
        pa = pyarrow_or_none()
        views = self._views(pa, column, None) if len(self.buf) < _MAX_VIEW_OFFSET else None
        values = None
        if views is not None:
            try:
                values = views.cast(pa.large_string())
            except pa.ArrowNotImplementedError:  # pragma: no cover - an older pyarrow
                values = None
        if values is None:  # pragma: no cover - pyarrow without string views, or huge blocks
            values = self._gathered(pa, column)
        doubled = self._doubled_quotes(column, None)
        if doubled.size:
            # Quotes inside a quoted value are escaped by doubling; undo that where there are any.
            pc = importlib.import_module("pyarrow.compute")
            mask = np.zeros(len(self), dtype=bool)
            mask[doubled] = True
            values = pc.if_else(pa.array(mask), pc.replace_substring(values, '""', '"'), values)
        return values

    def _gathered(self, pa: Any, column: int) -> Any:
        """`arrow` without string views: every byte of the column gathered with numpy."""
        s, e, _ = self.bounds(column)
        lengths = e - s
        n = s.shape[0]
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        total = int(offsets[-1])
        # The position in the block of each byte of the column: a run per value.
        at = np.arange(total, dtype=np.int64)
        at += np.repeat(s - offsets[:-1], lengths)
        return pa.LargeStringArray.from_buffers(
            n, pa.py_buffer(offsets), pa.py_buffer(self.buf[at])
        )

    def words(self, column: int) -> tuple[npt.NDArray[np.uint64], Int64Array]:
        """Each value's first 8 bytes as one little-endian 64-bit word (the bytes past the
        value's end zero; a value's first byte is the word's lowest), and the values' lengths.
        Values of at most 8 bytes are whole in their word."""
        s, e, _ = self.bounds(column)
        lengths = e - s
        return value_words(self.buf, s, lengths), lengths

    def matrix(
        self, column: int, width: int, rows: Int64Array | None = None
    ) -> tuple[UInt8Array, Int64Array]:
        """A column's values as a (rows, width) byte matrix, zero-padded, and their lengths
        (only ``rows`` of them, if given).

        Values longer than ``width`` are cut; callers check the length. A negative ``width``
        means as wide as the longest value, but at most ``-width``.
        """
        s, e, _ = self.bounds(column)
        if rows is not None:
            s, e = s[rows], e[rows]
        lengths = e - s
        if width < 0:  # as wide as the longest value, up to -width
            width = min(-width, int(lengths.max()) if lengths.size else 0)
        if width == 0 or s.shape[0] == 0:
            return np.zeros((s.shape[0], width), dtype=np.uint8), lengths
        buf = self.buf
        if len(buf) < width:
            buf = np.concatenate([buf, np.zeros(width - len(buf), dtype=np.uint8)])
        # Rows of a sliding window over the block: one copy of `width` bytes per value.
        windows = np.lib.stride_tricks.sliding_window_view(buf, width)
        last = len(buf) - width
        out = windows[np.minimum(s, last)]
        for i in np.flatnonzero(s > last).tolist():  # values too near the block's end
            tail = buf[s[i] :]
            out[i, : tail.shape[0]] = tail
            out[i, tail.shape[0] :] = 0
        if bool((lengths < width).any()):
            out *= np.arange(width)[None, :] < lengths[:, None]
        return out, lengths


def _quote_roles(buf: UInt8Array, quotes: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Which quotes of a block quote a field, and which closing quotes have text after them.

    ``buf`` starts at the start of a record and ``quotes`` are the positions of every quote
    character in it. Returns the positions of the quotes that open or close a quoted field (the
    two halves of an escaped ``""`` count as one closing and one opening quote, so a position is
    inside a quoted field exactly when an odd number of them come before it), and the positions
    of the closing quotes that are followed by something other than a comma, a line end or
    another quote (the record they are in is malformed).

    Every quote is first given the role the parity rule gives it: the 1st, 3rd, ... open a
    field and the 2nd, 4th, ... close one. Where each quote fits its role (an opening quote
    starts a field or directly follows a closing one, a closing quote is followed by a
    delimiter or by another quote) this is exactly how the ``csv`` module reads them, and it is
    the usual case: one vectorised pass. The quotes that do not fit are then visited in order, in
    a loop over them alone. An "opening" quote in the middle of a field is an ordinary character:
    it is dropped from the field-quoting quotes, so the roles of the quotes after it swap. A
    closing quote followed by text is noted, and reading goes on as the ``csv`` module does (the
    rest of that field is unquoted).
    """
    n = quotes.shape[0]
    size = buf.shape[0]
    if n == 0:
        return quotes, quotes
    before = np.where(quotes > 0, buf[np.maximum(quotes - 1, 0)], _LF)
    after = np.where(quotes + 1 < size, buf[np.minimum(quotes + 1, size - 1)], _LF)
    after_next = np.where(quotes + 2 < size, buf[np.minimum(quotes + 2, size - 1)], _LF)
    follows_quote = np.zeros(n, dtype=bool)
    follows_quote[1:] = quotes[1:] == quotes[:-1] + 1
    followed_by_quote = np.zeros(n, dtype=bool)
    followed_by_quote[:-1] = follows_quote[1:]
    may_open = (before == _COMMA) | (before == _LF) | follows_quote
    may_close = (
        (after == _COMMA)
        | (after == _LF)
        | ((after == _CR) & (after_next == _LF))
        | followed_by_quote
    )
    odd = (np.arange(n) & 1).astype(bool)
    # misfits[phase]: the quotes that do not fit their role when quote k opens if k + phase is
    # even.
    misfits = (
        np.flatnonzero(np.where(odd, ~may_close, ~may_open)),
        np.flatnonzero(np.where(odd, ~may_open, ~may_close)),
    )
    if not misfits[0].size:
        return quotes, quotes[:0]
    ordinary: list[int] = []
    text_after: list[int] = []
    k = 0
    phase = 0
    while True:
        pending = misfits[phase]
        at = int(np.searchsorted(pending, k))
        if at == pending.shape[0]:
            break
        k = int(pending[at])
        if (k + phase) & 1:
            text_after.append(k)  # a closing quote with text after it
            k += 1
            continue
        # A quote in the middle of an unquoted field, and any quotes right after it: ordinary
        # characters. Each one dropped swaps the roles of the quotes after it.
        ordinary.append(k)
        phase ^= 1
        k += 1
        while k < n and follows_quote[k]:
            ordinary.append(k)
            phase ^= 1
            k += 1
    quoting = np.ones(n, dtype=bool)
    quoting[ordinary] = False
    return quotes[quoting], quotes[np.asarray(text_after, dtype=np.int64)]


def _last_record_end(buf: UInt8Array, quotes: Int64Array) -> int:
    """The position of the last line feed outside quotes, or -1 (``quotes``: the field-quoting
    ones, from `_quote_roles`).

    Looked for in a tail of the block that grows until one is found, so a block whose last
    line feed ends a record costs a scan of its last few kilobytes, not of the whole block.
    """
    size = buf.shape[0]
    start = max(size - (1 << 16), 0)
    while True:
        line_feeds = np.flatnonzero(buf[start:] == _LF) + start
        ends = line_feeds[(np.searchsorted(quotes, line_feeds) & 1) == 0]
        if ends.size:
            return int(ends[-1])
        if start == 0:
            return -1
        start = max(start - 4 * (size - start), 0)


def _is_utf8(block: bytes, piece: int = 1 << 16) -> bool:
    """Whether ``block`` is UTF-8, decoded a piece at a time.

    Pieces end just after a line feed, which is never part of a multi-byte sequence, so the
    block is UTF-8 exactly when every piece is. Small pieces keep the decoded text small: no
    str four times the size of the block, as one decode of a block holding an emoji makes.
    """
    if block.isascii():
        return True
    view = memoryview(block)
    size = len(block)
    begin = 0
    while begin < size:
        end = block.find(b"\n", begin + piece)
        end = size if end < 0 else end + 1
        try:
            str(view[begin:end], "utf-8")
        except UnicodeDecodeError:
            return False
        begin = end
    return True


def _not_utf8(buf: UInt8Array) -> Int64Array:
    """The positions of the bytes of ``buf`` that are not part of a well-formed UTF-8 sequence.

    One vectorised pass over the non-ASCII bytes: each lead byte is checked against the bytes
    after it (with the narrower ranges UTF-8 sets for the second byte after E0, ED, F0 and F4), and
    a continuation byte is well-formed only inside the sequence of the lead byte before it. The
    first of these positions in a record is where ``bytes.decode`` reports its first error there.
    """
    at = np.flatnonzero(buf >= 0x80)
    n = at.shape[0]
    if n == 0:
        return at
    value = buf[at]
    is_next = np.zeros(n, dtype=bool)  # the byte right after this one is non-ASCII too
    is_next[:-1] = at[1:] == at[:-1] + 1
    continuation = value < 0xC0

    def follows(k: int) -> npt.NDArray[np.bool_]:
        """Whether the k bytes after each byte are all continuation bytes."""
        ok = np.ones(n, dtype=bool)
        for j in range(1, k + 1):
            step = np.zeros(n, dtype=bool)
            step[:-j] = is_next[j - 1 : n - 1] & continuation[j:]
            ok &= step
        return ok

    second = np.zeros(n, dtype=np.uint8)
    second[:-1] = value[1:]
    second_ok = np.where(
        value == 0xE0,
        second >= 0xA0,
        np.where(
            value == 0xED,
            second <= 0x9F,
            np.where(value == 0xF0, second >= 0x90, np.where(value == 0xF4, second <= 0x8F, True)),
        ),
    )
    length = np.zeros(n, dtype=np.int8)  # of the sequence each lead byte starts; 0 otherwise
    length[(value >= 0xC2) & (value <= 0xDF)] = 2
    length[(value >= 0xE0) & (value <= 0xEF)] = 3
    length[(value >= 0xF0) & (value <= 0xF4)] = 4
    starts: npt.NDArray[np.bool_] = second_ok & (
        ((length == 2) & follows(1)) | ((length == 3) & follows(2)) | ((length == 4) & follows(3))
    )
    covered = starts.copy()
    for back in (1, 2, 3):
        # A continuation byte ``back`` places after the start of a sequence long enough for it.
        inside = np.zeros(n, dtype=bool)
        inside[back:] = starts[:-back] & (length[:-back] > back)
        covered |= inside
    return at[~covered]


class _Block:
    """A run of whole records as read: its bytes, where its quotes are, and its file offset."""

    __slots__ = ("buf", "data", "offset", "quotes", "quoting", "text_after")

    def __init__(
        self,
        data: bytes,
        buf: UInt8Array,
        quotes: Int64Array,
        quoting: Int64Array,
        text_after: Int64Array,
        offset: int,
    ) -> None:
        self.data = data
        self.buf = buf
        self.quotes = quotes  # every quote character
        self.quoting = quoting  # the quotes that open or close a quoted field
        self.text_after = text_after  # closing quotes followed by text
        self.offset = offset  # the file offset of the first byte


class ByteStream(Protocol):
    """What the scanner reads from: anything with ``read(size) -> bytes`` and ``close()``."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class CsvScanner:
    """Read a CSV file block by block; iterate to get `CsvChunk` objects.

    ``path`` is a path, or a stream of bytes (which `close` closes). ``header`` is available
    after construction. Each chunk carries the records of its block that could not be used
    (``chunk.bad``).
    """

    def __init__(
        self, path: str | os.PathLike[str] | ByteStream, *, chunk_size: int, source: str
    ) -> None:
        self.path = path
        self.source = source
        self.chunk_size = chunk_size
        # A path is opened here; a stream (a decompressed file, a file object) is read as given.
        self._file: ByteStream = (
            open(path, "rb")  # noqa: SIM115 - closed by close() / __iter__
            if isinstance(path, str | os.PathLike)
            else path
        )
        self._carry = b""
        self._eof = False
        self._line_base = 0  # line feeds before the current block
        self._row_base = 0  # data rows before the current block
        self._offset = 0  # the file offset of the next block's first byte
        self._first = True
        self.header: list[str] = []
        self.header_line = 1
        self._pending: CsvChunk | None = None
        try:
            self._read_header()
        except BaseException:
            self.close()
            raise

    @property
    def rows_read(self) -> int:
        """Data rows read so far (the header and blank lines not counted)."""
        return self._row_base

    def close(self) -> None:
        self._file.close()

    # --- block reading ----------------------------------------------------------------------------

    def _next_block(self) -> _Block | None:
        """The next run of whole records.

        A line feed ends a record when an even number of field-quoting quotes comes before it.
        When the data read holds no record end (a very long quoted field, or a quote that is
        never closed), reading goes on with reads as large as what is held, so a record of any
        length costs a number of passes that grows with the logarithm of its length.
        """
        block = self._carry
        while True:
            data = b"" if self._eof else self._file.read(max(self.chunk_size, len(block)))
            if not data:
                self._eof = True
            block += data
            if self._first and (len(block) >= len(_BOM) or self._eof):
                self._first = False
                if block[:3] == _BOM:
                    block = block[3:]
                    self._offset = len(_BOM)
            if self._eof:
                self._carry = b""
                if not block:
                    return None
                if not block.endswith(b"\n"):
                    block += b"\n"
                buf = np.frombuffer(block, dtype=np.uint8)
                quotes = np.flatnonzero(buf == _QUOTE)
                quoting, text_after = _quote_roles(buf, quotes)
                return _Block(block, buf, quotes, quoting, text_after, self._take(len(block)))
            buf = np.frombuffer(block, dtype=np.uint8)
            quotes = np.flatnonzero(buf == _QUOTE)
            quoting, text_after = _quote_roles(buf, quotes)
            last = _last_record_end(buf, quoting)
            if last >= 0:
                cut = last + 1
                self._carry = block[cut:]
                return _Block(
                    block[:cut],
                    buf[:cut],
                    quotes[quotes < cut],
                    quoting[quoting < cut],
                    text_after[text_after < cut],
                    self._take(cut),
                )
            # No record ends in what was read (a very long quoted field): read more.

    def _take(self, size: int) -> int:
        """The file offset of a block of ``size`` bytes that starts where the last one ended."""
        offset = self._offset
        self._offset += size
        return offset

    def _read_header(self) -> None:
        while True:
            got = self._next_block()
            if got is None:
                raise InvalidDataError(self.source, None, 1, "a header row", "an empty file")
            records = self._split(got, n_fields=None)
            if records is not None:
                return
            self._line_base += int(np.count_nonzero(got.buf == _LF))

    # --- splitting --------------------------------------------------------------------------------

    def _split(self, got: _Block, n_fields: int | None) -> CsvChunk | None:
        """Split a block into records; the first block's first record becomes the header.

        Returns None only while no header has been found (a block of blank lines).
        """
        block, buf, quotes, quoting = got.data, got.buf, got.quotes, got.quoting
        candidates = np.flatnonzero((buf == _COMMA) | (buf == _LF))
        is_lf = buf[candidates] == _LF  # which candidates are line feeds
        # Outside quotes: an even number of field-quoting quotes before it.
        seps = candidates[(np.searchsorted(quoting, candidates) & 1) == 0]
        sep_is_lf = buf[seps] == _LF
        record_ends = seps[sep_is_lf]
        n_rec = record_ends.shape[0]
        if n_rec == 0 or quoting.shape[0] % 2 == 1:
            # Only possible at the end of the file: a quoted field never closed.
            record_ends = np.append(record_ends, len(buf) - 1)
            seps = np.append(seps[seps < record_ends[-1]], len(buf) - 1)
            sep_is_lf = buf[seps] == _LF
            sep_is_lf[-1] = True
            n_rec = record_ends.shape[0]
            unterminated = n_rec - 1
        else:
            unterminated = -1
        record_of_sep = np.cumsum(sep_is_lf) - sep_is_lf
        counts = np.bincount(record_of_sep, minlength=n_rec)
        rec_start = np.empty(n_rec, dtype=np.int64)
        rec_start[0] = 0
        rec_start[1:] = record_ends[:-1] + 1
        rec_len = record_ends - rec_start
        blank = (rec_len == 0) | ((rec_len == 1) & (buf[rec_start] == _CR))
        all_lf = candidates[is_lf]
        lines = self._line_base + np.searchsorted(all_lf, rec_start) + 1

        problems: dict[int, tuple[str, str]] = {}
        if unterminated >= 0:
            problems[unterminated] = (
                "a closing quote",
                "a quoted field that runs to the end of the file",
            )

        for position in got.text_after.tolist():
            record = int(np.searchsorted(record_ends, position))
            problems.setdefault(
                record,
                (
                    "a comma or the end of the line after the closing quote of a quoted field",
                    "text after the closing quote",
                ),
            )

        valid = _is_utf8(block)
        if not valid:
            undecodable = _not_utf8(buf)
            records = np.searchsorted(record_ends, undecodable)
            first = np.ones(records.shape[0], dtype=bool)  # the first bad byte of each record
            first[1:] = records[1:] != records[:-1]
            for record, position in zip(
                records[first].tolist(), undecodable[first].tolist(), strict=True
            ):
                problems.setdefault(
                    record,
                    (
                        "UTF-8 text",
                        "bytes that are not UTF-8 (the first at byte offset "
                        f"{got.offset + position} of the file)",
                    ),
                )

        usable = ~blank
        header_record = -1
        if n_fields is None:
            candidates = np.flatnonzero(usable)
            if not candidates.size:
                return None
            header_record = int(candidates[0])
            if header_record in problems:
                expected, found = problems[header_record]
                raise InvalidDataError(
                    self.source,
                    None,
                    int(lines[header_record]),
                    f"a header row of {expected}",
                    found,
                )
            n_fields = int(counts[header_record])
            self.header_line = int(lines[header_record])
            self.header = self._header_fields(
                block, rec_start[header_record], seps, record_of_sep, header_record
            )
            self._n_fields = n_fields
            usable[: header_record + 1] = False

        data_rows = np.cumsum(usable) - 1 + self._row_base
        good = usable & (counts == n_fields)
        for record in np.flatnonzero(usable & (counts != n_fields)).tolist():
            n_found = int(counts[record])
            problems.setdefault(
                record, (f"{n_fields} fields", f"{n_found} field{'s' * (n_found != 1)}")
            )
        bad_records: list[BadRecord] = []
        if problems:
            bad_index = np.fromiter(problems, dtype=np.int64, count=len(problems))
            bad_index = bad_index[usable[bad_index]]
            good[bad_index] = False
            last_lines = self._line_base + np.searchsorted(all_lf, record_ends) + 1
            for record in sorted(bad_index.tolist()):
                expected, found = problems[record]
                if last_lines[record] > lines[record]:
                    # A quote that opened a field by mistake makes one record of many lines.
                    found += f"; the record runs from line {lines[record]} to line "
                    found += f"{last_lines[record]}"
                start, end = int(rec_start[record]), int(record_ends[record])
                text = block[start:end].decode("utf-8", errors="replace").rstrip("\r")
                bad_records.append(
                    BadRecord(int(data_rows[record]), int(lines[record]), expected, found, text)
                )

        self._row_base += int(np.count_nonzero(usable))
        self._line_base += int(all_lf.shape[0])

        field_seps = seps[good[record_of_sep]].reshape(-1, n_fields)
        starts = np.empty_like(field_seps)
        starts[:, 0] = rec_start[good]
        starts[:, 1:] = field_seps[:, :-1] + 1
        ends = field_seps.copy()
        last = ends[:, -1]
        # A CRLF line ending: the carriage return is not part of the last field.
        cr = (last > starts[:, -1]) & (buf[np.maximum(last - 1, 0)] == _CR)
        last -= cr
        chunk = CsvChunk(block, buf, starts, ends, data_rows[good], lines[good], quotes)
        chunk.bad = bad_records
        chunk._valid = valid
        self._pending = chunk
        return chunk

    def _header_fields(
        self,
        block: bytes,
        start: int,
        seps: Int64Array,
        record_of_sep: Int64Array,
        record: int,
    ) -> list[str]:
        ends = seps[record_of_sep == record].tolist()
        names: list[str] = []
        begin = int(start)
        for end in ends:
            stop = end - 1 if end > begin and block[end - 1] == _CR else end
            raw = block[begin:stop].decode("utf-8", errors="replace")
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                raw = raw[1:-1].replace('""', '"')
            names.append(raw.strip())
            begin = end + 1
        return names

    def _chunks(self) -> Iterator[CsvChunk]:
        if self._pending is not None:
            chunk, self._pending = self._pending, None
            yield chunk
        while True:
            got = self._next_block()
            if got is None:
                return
            following = self._split(got, n_fields=self._n_fields)
            self._pending = None
            if following is not None:
                yield following

    def __iter__(self) -> Iterator[CsvChunk]:
        try:
            yield from self._chunks()
        finally:
            self.close()

    def read_ahead(self) -> Iterator[CsvChunk]:
        """The chunks, as iterating the scanner gives them, each read and split by a second
        thread while the caller works on the one before (the splitting is numpy work that lets
        go of the interpreter lock). Each chunk's ``rows_read`` is the scanner's count when it
        was split. An error of the reading thread is raised here; stopping early stops it.
        """
        handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def give(kind: str, item: Any) -> bool:
            while not stop.is_set():
                try:
                    handoff.put((kind, item), timeout=0.05)
                except queue.Full:
                    continue
                return True
            return False

        def read() -> None:
            try:
                for chunk in self:
                    chunk.rows_read = self.rows_read
                    if not give("chunk", chunk):
                        return
            except BaseException as error:  # handed to the caller's thread, raised there
                give("error", error)
            else:
                give("end", None)

        reader = threading.Thread(target=read, name="socialcare-metrics-csv", daemon=True)
        reader.start()
        try:
            while True:
                kind, item = handoff.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise item
                yield item
        finally:
            stop.set()
            reader.join()
