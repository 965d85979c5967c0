"""The loaders under hostile input: mutated CSV files, random bytes, random data frames and JSON.

Two kinds of property are checked here:

* **The CSV splitter agrees with Python's ``csv`` module.** A small valid file is written with
  ``csv.writer``, then quotes, commas, line breaks and carriage returns are inserted at random
  places. Every record the ``csv`` module reads from the result is either used, with the same
  field values and the same starting line, or reported with its line number. The reference is the
  ``csv`` module with its default dialect, with the one variation the loaders document: a bare
  carriage return (one not followed by a line feed) is part of the field, not a line ending (the
  twcs export has them inside unquoted text).
* **A loader either raises the library's own error or accounts for every row.** Whatever it is
  given, ``load_twcs``, ``load_messages`` and ``load_ibm_cdp`` return a result in which every data
  row is in the table or in ``problems`` (never both, never neither), or raise a
  ``SocialCareError``. No other exception escapes and no input hangs them.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics.io._csv import CsvScanner, _not_utf8

# --- the CSV splitter against the csv module ------------------------------------------------------

#: Stands for a bare carriage return while the csv module reads the reference (see the module doc).
_BARE_CR = "\ue000"


def reference_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line where it starts, fields) of every non-blank record, as the csv module reads them.

    A carriage return that is not followed by a line feed (and is not the file's last byte) is
    part of the field it is in: it is hidden from the csv module and put back afterwards.
    """
    text = data.decode("utf-8")
    assert _BARE_CR not in text
    chars = list(text)
    for i, char in enumerate(chars[:-1]):
        if char == "\r" and chars[i + 1] != "\n":
            chars[i] = _BARE_CR
    reader = csv.reader(io.StringIO("".join(chars), newline=""))
    out: list[tuple[int, list[str]]] = []
    before = 0
    for fields in reader:
        if fields:
            out.append((before + 1, [f.replace(_BARE_CR, "\r") for f in fields]))
        before = reader.line_num
    return out


def scanned_records(
    path: Path, chunk_size: int
) -> tuple[list[str], dict[int, tuple[int, list[str]]], dict[int, tuple[int, str]], int]:
    """What the splitter makes of a file: header, good rows {row: (line, fields)}, bad rows
    {row: (line, what was found)}, rows read."""
    scanner = CsvScanner(path, chunk_size=chunk_size, source=str(path))
    header = list(scanner.header)
    good: dict[int, tuple[int, list[str]]] = {}
    bad: dict[int, tuple[int, str]] = {}
    for chunk in scanner:
        columns = [chunk.strings(j) for j in range(len(header))]
        for i, (row, line) in enumerate(
            zip(chunk.rows.tolist(), chunk.lines.tolist(), strict=True)
        ):
            assert row not in good
            good[row] = (line, [values[i] for values in columns])
        for record in chunk.bad:
            assert record.row not in bad
            bad[record.row] = (record.line, record.found)
    return header, good, bad, scanner.rows_read


_FIELD_TEXT = st.text(alphabet=st.sampled_from('ab ,"\n\r\u00e9\U0001f621'), max_size=6)

_INSERTS = st.sampled_from(['"', '"', ",", "\n", "\r", "\r\n", '""', "x"])


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """A small CSV file written by the csv module, then damaged after its header line."""
    n_columns = draw(st.integers(min_value=1, max_value=4))
    rows = draw(st.lists(st.lists(_FIELD_TEXT, min_size=n_columns, max_size=n_columns), max_size=6))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow([f"c{j}" for j in range(n_columns)])
    header_end = len(buffer.getvalue())
    writer.writerows(rows)
    text = buffer.getvalue()
    for position, insert in draw(
        st.lists(st.tuples(st.integers(min_value=0), _INSERTS), min_size=1, max_size=4)
    ):
        at = header_end + position % (len(text) - header_end + 1)
        text = text[:at] + insert + text[at:]
    return text.encode("utf-8")


@given(data=mutated_csv(), chunk_size=st.sampled_from([1, 2, 7, 64, 1 << 20]))
def test_every_record_the_csv_module_reads_is_used_or_reported(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk_size: int
) -> None:
    path = tmp_path_factory.mktemp("mutated") / "data.csv"
    path.write_bytes(data)
    expected = reference_records(data)
    header, good, bad, rows_read = scanned_records(path, chunk_size)
    (header_line, header_fields), records = expected[0], expected[1:]
    assert header_line == 1
    assert header == header_fields
    assert rows_read == len(records)
    assert good.keys() | bad.keys() == set(range(len(records)))
    assert not good.keys() & bad.keys()
    for row, (line, fields) in enumerate(records):
        if row in good:
            assert good[row] == (line, fields)
        else:
            got_line, found = bad[row]
            assert got_line == line
            # A record is left out only when its field count is wrong or its quoting is broken.
            assert len(fields) != len(header) or "quote" in found, (fields, found)


def python_decode_errors(data: bytes) -> set[int]:
    """Every byte that ``bytes.decode`` puts inside one of its errors."""
    spans: set[int] = set()

    def record(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        spans.update(range(error.start, error.end))
        return "\ufffd", error.end

    codecs.register_error("socialcare_test_record", record)
    data.decode("utf-8", errors="socialcare_test_record")
    return spans


_UTF8_PIECES = st.sampled_from(
    [b"a", b"\n", "é".encode(), "€".encode(), "😡".encode(), b"\x80", b"\xbf", b"\xc0", b"\xc2",
     b"\xe0", b"\xe0\x80", b"\xed", b"\xed\xa0", b"\xef\xbf", b"\xf0", b"\xf0\x8f", b"\xf4",
     b"\xf4\x90", b"\xf5", b"\xff"]
)  # fmt: skip


@given(
    data=st.one_of(
        st.binary(max_size=64), st.lists(_UTF8_PIECES, max_size=24).map(lambda p: b"".join(p))
    )
)
def test_the_vectorised_utf8_check_finds_the_bytes_python_cannot_decode(data: bytes) -> None:
    found = _not_utf8(np.frombuffer(data, dtype=np.uint8))
    assert set(found.tolist()) == python_decode_errors(data)
