"""A vectorised CSV splitter: field boundaries of a whole block of bytes found with numpy.

The standard library's ``csv`` module makes one Python list per row and one str per field, which
costs more than everything else a loader does. Here a block of the file is read as bytes, and the
positions of the delimiters that are not inside quotes are found at once: a character is inside a
quoted field when the number of quote characters before it is odd (an escaped quote ``""`` adds
two, so it does not change that). Commas and line feeds outside quotes end fields and records.
Loaders then parse numbers and timestamps straight from the bytes, and make Python strings only
for the columns that stay strings (text, handles).

The dialect is RFC 4180 with the variations real exports have: ``\n`` or ``\r\n`` line endings,
line breaks and carriage returns inside quoted fields, and a bare carriage return inside an
unquoted field (kept as part of the field, where ``csv.reader`` would end the row there). Blank
lines are skipped. A record with the wrong number of fields, a quote in the middle of an unquoted
field, or bytes that are not UTF-8 is reported with its line number, never dropped silently.

Line numbers are 1-based and count line feeds; the header is line 1. A record that holds line
breaks inside quotes is reported at the line where it starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

import numpy as np
import numpy.typing as npt

from .._core.typing import Int64Array, UInt8Array
from ..errors import InvalidDataError

_COMMA: Final = 44


_LF: Final = 10


_CR: Final = 13


_QUOTE: Final = 34


_BOM: Final = b"\xef\xbb\xbf"


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
        self._valid = False  # True once the whole block is known to be UTF-8
        self._bounds: dict[int, tuple[Int64Array, Int64Array, npt.NDArray[np.bool_]]] = {}

    def __len__(self) -> int:
        return int(self.rows.shape[0])

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
            # (s0, e0 hold byte offsets; the quote positions are byte offsets too.)
            inner = np.searchsorted(self.quotes, e0) - np.searchsorted(self.quotes, s0)
            for i in np.flatnonzero(quoted & (inner > 0)).tolist():
                values[i] = values[i].replace('""', '"')
        return values

    def matrix(self, column: int, width: int) -> tuple[UInt8Array, Int64Array]:
        """A column's values as a (rows, width) byte matrix, zero-padded, and their lengths.

        Values longer than ``width`` are cut; callers check the length. A negative ``width``
        means as wide as the longest value, but at most ``-width``.
        """
        s, e, _ = self.bounds(column)
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
            out[np.arange(width)[None, :] >= lengths[:, None]] = 0
        return out, lengths


def _last_record_end(buf: UInt8Array, quotes: Int64Array) -> int:
    """The position of the last line feed outside quotes, or -1.

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


def _decode_problems(block: bytes) -> list[int]:
    """Byte positions where ``block`` stops being valid UTF-8 (one per bad sequence)."""
    bad: list[int] = []
    position = 0
    while position < len(block):
        try:
            block[position:].decode("utf-8")
        except UnicodeDecodeError as error:
            bad.append(position + error.start)
            position += error.end
        else:
            break
    return bad


class CsvScanner:
    """Read a CSV file block by block; iterate to get `CsvChunk` objects.

    ``header`` is available after construction. Each chunk carries the records of its block
    that could not be used (``chunk.bad``).
    """

    def __init__(self, path: str | os.PathLike[str], *, chunk_size: int, source: str) -> None:
        self.path = path
        self.source = source
        self.chunk_size = chunk_size
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close() / __iter__
        self._carry = b""
        self._eof = False
        self._line_base = 0  # line feeds before the current block
        self._row_base = 0  # data rows before the current block
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

    def _next_block(self) -> tuple[bytes, UInt8Array, Int64Array] | None:
        """The next run of whole records: bytes, the byte array and the quotes' positions.

        A line feed ends a record when an even number of quotes comes before it.
        """
        block = self._carry
        while True:
            data = b"" if self._eof else self._file.read(self.chunk_size)
            if not data:
                self._eof = True
            block += data
            if self._first and (len(block) >= len(_BOM) or self._eof):
                self._first = False
                if block[:3] == _BOM:
                    block = block[3:]
            if self._eof:
                self._carry = b""
                if not block:
                    return None
                if not block.endswith(b"\n"):
                    block += b"\n"
                buf = np.frombuffer(block, dtype=np.uint8)
                return block, buf, np.flatnonzero(buf == _QUOTE)
            buf = np.frombuffer(block, dtype=np.uint8)
            quotes = np.flatnonzero(buf == _QUOTE)
            last = _last_record_end(buf, quotes)
            if last >= 0:
                cut = last + 1
                self._carry = block[cut:]
                return block[:cut], buf[:cut], quotes[quotes < cut]
            # No record ends in this block (a very long quoted field): read more.

    def _read_header(self) -> None:
        while True:
            got = self._next_block()
            if got is None:
                raise InvalidDataError(self.source, None, 1, "a header row", "an empty file")
            block, buf, quotes = got
            records = self._split(block, buf, quotes, n_fields=None)
            if records is not None:
                return
            self._line_base += int(np.count_nonzero(buf == _LF))

    # --- splitting --------------------------------------------------------------------------------

    def _split(
        self,
        block: bytes,
        buf: UInt8Array,
        quotes: Int64Array,
        n_fields: int | None,
    ) -> CsvChunk | None:
        """Split a block into records; the first block's first record becomes the header.

        Returns None only while no header has been found (a block of blank lines).
        """
        candidates = np.flatnonzero((buf == _COMMA) | (buf == _LF))
        is_lf = buf[candidates] == _LF  # which candidates are line feeds
        # Outside quotes: an even number of quote characters before it.
        seps = candidates[(np.searchsorted(quotes, candidates) & 1) == 0]
        sep_is_lf = buf[seps] == _LF
        record_ends = seps[sep_is_lf]
        n_rec = record_ends.shape[0]
        if n_rec == 0 or quotes.shape[0] % 2 == 1:
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

        if quotes.size:
            # An opening quote must start a field; a closing quote must end one (or be the first
            # half of an escaped pair). Anything else means a quote inside an unquoted field.
            opening = np.arange(quotes.shape[0]) % 2 == 0
            before = np.where(quotes > 0, buf[np.maximum(quotes - 1, 0)], _LF)
            after = np.where(quotes + 1 < len(buf), buf[np.minimum(quotes + 1, len(buf) - 1)], _LF)
            ok_open = (before == _COMMA) | (before == _LF) | (before == _QUOTE)
            ok_close = (after == _COMMA) | (after == _LF) | (after == _CR) | (after == _QUOTE)
            stray = np.where(opening, ~ok_open, ~ok_close)
            for position in quotes[stray].tolist():
                record = int(np.searchsorted(record_ends, position))
                problems.setdefault(
                    record,
                    ("quotes only around a whole field", "a '\"' inside an unquoted field"),
                )

        valid = _is_utf8(block)
        undecodable = [] if valid else _decode_problems(block)
        for position in undecodable:
            record = int(np.searchsorted(record_ends, position))
            problems.setdefault(
                record, ("UTF-8 text", f"bytes that are not UTF-8 at byte {position}")
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
            for record in sorted(bad_index.tolist()):
                expected, found = problems[record]
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
            block, buf, quotes = got
            following = self._split(block, buf, quotes, n_fields=self._n_fields)
            self._pending = None
            if following is not None:
                yield following

    def __iter__(self) -> Iterator[CsvChunk]:
        try:
            yield from self._chunks()
        finally:
            self.close()
