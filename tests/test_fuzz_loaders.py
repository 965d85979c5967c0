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
import contextlib
import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

try:
    import pyarrow
except ImportError:  # the value routes are then compared without Arrow's
    pyarrow = None
from hypothesis import event, given
from hypothesis import strategies as st

from socialcare_metrics import (
    LoadResult,
    SocialCareError,
    load_ibm_cdp,
    load_messages,
    load_twcs,
)
from socialcare_metrics.io._csv import CsvChunk, CsvScanner, _not_utf8

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
        check_value_routes(chunk, columns)
        for i, (row, line) in enumerate(
            zip(chunk.rows.tolist(), chunk.lines.tolist(), strict=True)
        ):
            assert row not in good
            good[row] = (line, [values[i] for values in columns])
        for record in chunk.bad:
            assert record.row not in bad
            bad[record.row] = (record.line, record.found)
    return header, good, bad, scanner.rows_read


# Values of up to 12 bytes and longer ones: Arrow's string views hold the first in themselves.
_FIELD_TEXT = (
    st.text(alphabet=st.sampled_from('ab ,"\n\r\u00e9\U0001f621'), max_size=6)
    | st.text(alphabet=st.sampled_from('ab ,"\n\r\u00e9\U0001f621'), min_size=7, max_size=20)
    | st.text(alphabet=st.sampled_from("0123456789"), max_size=10)
)


def check_value_routes(chunk: CsvChunk, columns: list[list[str]]) -> None:
    """Every way the splitter makes a column's values gives ``strings``'s values: Python
    objects (from Arrow string views where the block is UTF-8), Arrow arrays (from string
    views, or gathered byte by byte), and any subset of rows."""
    every_other = np.arange(0, len(chunk), 2, dtype=np.int64)
    for j, expected in enumerate(columns):
        starts, ends, _ = chunk.bounds(j)
        words, lengths = chunk.words(j)
        for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            raw = chunk.data[start:end]
            assert int(lengths[i]) == len(raw)
            assert words[i : i + 1].view(np.uint8).tobytes() == raw[:8].ljust(8, b"\0")
        assert chunk.objects(j).tolist() == expected
        assert chunk.objects(j, every_other).tolist() == expected[::2]
        assert chunk.strings(j, every_other) == expected[::2]
        if chunk.utf8 and pyarrow is not None:
            assert chunk.arrow(j).to_pylist() == expected
            gathered = chunk._gathered(pyarrow, j).to_pylist()
            doubled = set(chunk._doubled_quotes(j, None).tolist())
            unescaped = [
                v.replace('""', '"') if i in doubled else v for i, v in enumerate(gathered)
            ]
            assert unescaped == expected


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


# --- every loader: the library's own error, or every row accounted for ----------------------------


def accounted_for(result: LoadResult) -> None:
    """Every data row is in the table or among the problems, never both, never neither."""
    used = set(result.table.row.tolist())
    reported = {problem.row for problem in result.problems}
    assert not used & reported
    assert used | reported == set(range(result.rows_read))
    assert result.rows_used == len(used) == result.rows_read - len(reported)
    for problem in result.problems:
        assert problem.line is None or problem.line >= 1
        assert problem.reason.startswith("expected ")
        assert str(problem)


def load_or_library_error(
    load: Callable[..., LoadResult], *args: Any, in_memory: bool = False, **kwargs: Any
) -> None:
    """Call a loader both ways; check it accounts for every row or raises the library's error.

    Collecting raises only for a fault of the whole source (a file with no usable header, a
    mapped column that is not there, bytes that start as compressed data does but are not):
    never for a DataFrame or Arrow table that has the columns.
    """
    refused: SocialCareError | None = None
    try:
        collected = load(*args, errors="collect", **kwargs)
    except SocialCareError as error:
        refused, collected = error, None
    if refused is not None:
        assert not in_memory, refused
        assert any(
            words in str(refused) for words in ("header", "column named", "compressed data")
        ), refused
        event("the source as a whole is refused")
    else:
        assert collected is not None
        accounted_for(collected)
        event(
            "every row used"
            if not collected.problems
            else "some rows used"
            if len(collected.table)
            else "no row used"
        )
    try:
        strict = load(*args, errors="raise", **kwargs)
    except SocialCareError:
        # Raising stops at a problem that collecting lists (or at a fault of the whole file).
        assert collected is None or collected.problems
    else:
        assert strict.problems == ()
        if collected is not None:
            assert not collected.problems
            assert strict.table.row.tolist() == collected.table.row.tolist()


TWCS_HEADER = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
)


def twcs_row(i: int, parent: int | None, brand: str | None, minute: int, text: str) -> str:
    when = (datetime(2017, 10, 31, 10, tzinfo=UTC) + timedelta(minutes=minute)).strftime(
        "%a %b %d %H:%M:%S %z %Y"
    )
    quoted = '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text
    return (
        f"{i},{brand or 700 + i},{brand is None},{when},{quoted},,"
        f"{'' if parent is None else parent}\n"
    )


@st.composite
def twcs_files(draw: st.DrawFn) -> bytes:
    """A small valid twcs file (replies, several brands, quoted text), then damaged."""
    rows = []
    for i in range(1, draw(st.integers(min_value=0, max_value=8)) + 1):
        parent = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=10)))
        brand = draw(st.sampled_from([None, None, "AcmeHelp", "BetaCare"]))
        rows.append(twcs_row(i, parent, brand, draw(st.integers(0, 90)), draw(_FIELD_TEXT)))
    text = TWCS_HEADER + "".join(rows)
    header_end = len(TWCS_HEADER)
    for position, insert in draw(
        st.lists(st.tuples(st.integers(min_value=0), _DAMAGE), max_size=4)
    ):
        at = header_end + position % (len(text) - header_end + 1)
        text = text[:at] + insert + text[at:]
    data = text.encode("utf-8")
    if draw(st.booleans()):
        cut = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:cut] + draw(st.binary(max_size=6)) + data[cut:]
    return data


_DAMAGE = st.sampled_from(
    ['"', ",", "\n", "\r", "\r\n", '""', "x", "-1", "99999999999999999999999", "1e5", "True",
     " ", "\x00", "Tue Oct 31 10:00:00 +0000 3017", "é", "9" * 4400]
)  # fmt: skip


@given(
    data=twcs_files(),
    chunk_size=st.sampled_from([16, 1 << 20]),
)
def test_load_twcs_accounts_for_every_row_of_any_file(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk_size: int
) -> None:
    path = tmp_path_factory.mktemp("twcs") / "twcs.csv"
    path.write_bytes(data)
    load_or_library_error(load_twcs, path, chunk_size=chunk_size)


@given(data=st.binary(max_size=300), header=st.booleans())
def test_load_twcs_and_load_messages_raise_only_their_own_errors_on_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, header: bool
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "random.csv"
    path.write_bytes(TWCS_HEADER.encode() * header + data)
    load_or_library_error(load_twcs, path)
    path.write_bytes(MESSAGE_HEADER.encode() * header + data)
    load_or_library_error(load_messages, path, columns=MESSAGE_COLUMNS)


MESSAGE_HEADER = "conv,when,who,note,score,closed,id\n"
MESSAGE_COLUMNS = {
    "conversation_id": "conv",
    "sent_at": "when",
    "author": "who",
    "private": "note",
    "sentiment": "score",
    "resolved_at": "closed",
    "message_id": "id",
}

_TIME_TEXTS = (
    "2024-05-06T10:00:00Z", "2024-05-06 10:05:00", "2024-05-06T12:10:00+02:00", "",
    "3000-01-01T00:00:00Z", "1600-01-01", "NaT", "2024-13-01T00:00:00Z", "yesterday",
    "2024-05-06T10:00:00.123456789Z", "2262-04-11T23:47:16.854775807Z", "2024-05-06T09:00Z",
)  # fmt: skip

_TIMES = st.sampled_from(_TIME_TEXTS)


def _mostly(good: str, *odd: str) -> st.SearchStrategy[str]:
    """``good`` three times in four, else one of ``odd``: most rows load, some do not."""
    return st.one_of(st.just(good), st.just(good), st.just(good), st.sampled_from(odd))


@st.composite
def message_files(draw: st.DrawFn) -> bytes:
    """A small CSV for load_messages with odd values here and there, then damaged."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for i in range(draw(st.integers(min_value=0, max_value=8))):
        writer.writerow(
            [
                draw(_mostly(f"c{i % 3}", "", " c3 ")),
                draw(st.one_of(st.just(f"2024-05-06T10:{i:02d}:00Z"), _TIMES)),
                draw(_mostly("customer" if i % 2 else "agent", "Agent", "bot", "robot", "")),
                draw(_mostly("", "true", "0", "maybe")),
                draw(_mostly("", "0.5", "-1", "2", "nan", "1e400", "x")),
                draw(_mostly("", *_TIME_TEXTS)),
                draw(_mostly(f"m{i}", "m1", "")),
            ]
        )
    text = MESSAGE_HEADER + buffer.getvalue()
    for position, insert in draw(
        st.lists(st.tuples(st.integers(min_value=0), _DAMAGE), max_size=3)
    ):
        at = len(MESSAGE_HEADER) + position % (len(text) - len(MESSAGE_HEADER) + 1)
        text = text[:at] + insert + text[at:]
    return text.encode("utf-8")


@given(
    data=message_files(),
    zone=st.sampled_from([None, "Europe/Berlin"]),
    chunk_size=st.sampled_from([32, 1 << 20]),
)
def test_load_messages_accounts_for_every_row_of_any_csv(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, zone: str | None, chunk_size: int
) -> None:
    path = tmp_path_factory.mktemp("messages") / "export.csv"
    path.write_bytes(data)
    load_or_library_error(
        load_messages, path, columns=MESSAGE_COLUMNS, timezone=zone, chunk_size=chunk_size
    )


class _PandasMissing:
    """Stands for one of pandas' missing values (the strategies are built before pandas is
    imported, which a test may skip)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"pandas.{self.name}"

    def value(self, pd: Any) -> Any:
        return getattr(pd, self.name)


_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**400, -(10**5000)]),  # past a float; past what Python will print
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["customer", "agent", "bot", "2024-05-06T10:00:00Z", "2024-05-06 10:00"]),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))]
        ),
    ),
    st.lists(st.text(max_size=4), max_size=2),
    st.sampled_from(["NaT", "NA"]).map(_PandasMissing),
    st.sampled_from([np.datetime64("NaT"), np.datetime64("2024-05-06T10:00"), np.float64("nan")]),
)


def _value(pd: Any, value: Any) -> Any:
    return value.value(pd) if isinstance(value, _PandasMissing) else value


_FRAME_FIELDS = ("conversation_id", "sent_at", "author", "agent_id", "private", "tags",
                 "sentiment", "actioned_at", "resolved_at", "message_id", "text", "channel",
                 "quick_reply", "assignee")  # fmt: skip


_GOOD_FRAME_VALUES: dict[str, Callable[[int], Any]] = {
    "conversation_id": lambda i: f"c{i % 2}",
    "sent_at": lambda i: datetime(2024, 5, 6, 10, i, tzinfo=UTC),
    "author": lambda i: "agent" if i % 2 else "customer",
    "agent_id": lambda i: "ana" if i % 2 else None,
    "private": lambda i: False,
    "tags": lambda i: ["billing/refund"],
    "sentiment": lambda i: 0.5,
    "actioned_at": lambda i: None,
    "resolved_at": lambda i: datetime(2024, 5, 6, 11, tzinfo=UTC),
    "message_id": lambda i: f"m{i}",
    "text": lambda i: f"hello {i}",
    "channel": lambda i: "twitter",
    "quick_reply": lambda i: None,
    "assignee": lambda i: "ana",
}


@st.composite
def frame_columns(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    """Columns of good values with odd Python values here and there, one per field; some time
    columns typed datetime64 (of any value, in a unit pandas holds)."""
    n = draw(st.integers(min_value=0, max_value=6))
    columns: dict[str, Any] = {}
    for field in _FRAME_FIELDS:
        kind = draw(st.sampled_from(["objects", "objects", "objects", "datetime64"]))
        if kind == "datetime64" and field.endswith("_at"):
            unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
            times = st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)
            if unit == "s":
                times = st.one_of(st.integers(1_700_000_000, 1_800_000_000), times)
            raw = draw(st.lists(times, min_size=n, max_size=n))
            columns[field] = np.array(raw, dtype=np.int64).view(f"datetime64[{unit}]")
        else:
            odd = draw(st.floats(min_value=0, max_value=1))
            columns[field] = [
                draw(_ODD_VALUES)
                if draw(st.floats(0, 1)) < odd / 2
                else _GOOD_FRAME_VALUES[field](i)
                for i in range(n)
            ]
    return columns, n


@given(columns=frame_columns(), zone=st.sampled_from([None, "Asia/Kolkata"]), aware=st.booleans())
def test_load_messages_accounts_for_every_row_of_any_dataframe(
    columns: tuple[dict[str, Any], int], zone: str | None, aware: bool
) -> None:
    pd = pytest.importorskip("pandas")
    data, n = columns
    frame = pd.DataFrame(
        {
            field: (
                pd.Series(values)
                if isinstance(values, np.ndarray)
                else pd.Series([_value(pd, v) for v in values], dtype=object)
            )
            for field, values in data.items()
        },
        index=range(n),
    )
    if aware and str(frame["sent_at"].dtype).startswith("datetime64"):
        frame["sent_at"] = frame["sent_at"].dt.tz_localize("UTC")
    mapping = {field: field for field in _FRAME_FIELDS}
    load_or_library_error(load_messages, frame, columns=mapping, timezone=zone, in_memory=True)


@given(
    times=st.lists(
        st.one_of(st.none(), st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)),
        max_size=6,
    ),
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    zone=st.sampled_from([None, "UTC", "America/New_York"]),
    who=st.lists(st.sampled_from(["customer", "agent", None, "x"]), min_size=6, max_size=6),
)
def test_load_messages_accounts_for_every_row_of_any_arrow_table(
    times: list[int | None], unit: str, zone: str | None, who: list[str | None]
) -> None:
    pa = pytest.importorskip("pyarrow")
    n = len(times)
    table = pa.table(
        {
            "conv": pa.array([f"c{i % 2}" for i in range(n)]),
            "when": pa.array(times, type=pa.timestamp(unit, tz=zone)),
            "who": pa.array(who[:n], type=pa.string()),
        }
    )
    load_or_library_error(
        load_messages,
        table,
        columns={"conversation_id": "conv", "sent_at": "when", "author": "who"},
        timezone="UTC",
        in_memory=True,
    )


# --- the IBM loader: conversations of JSON -------------------------------------------------------


def ibm_accounted_for(result: LoadResult, data: Any) -> None:
    """Every conversation of the file is in the table (by its sessionID) or among the problems."""
    reported = {problem.row for problem in result.problems}
    assert reported <= set(range(result.rows_read))
    assert result.rows_read == len(data)
    kept = [c["dialogHeader"]["sessionID"] for i, c in enumerate(data) if i not in reported]
    assert sorted(result.table.conversation_ids.tolist()) == sorted(kept)
    assert result.rows_used == len(kept)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def ibm_conversations(draw: st.DrawFn) -> list[Any]:
    """Conversations in the IBM set's shape with odd values in places, and some plain junk."""
    out: list[Any] = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            out.append(draw(_JSON))
            continue
        content = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            role = draw(st.sampled_from(["client", "client1", "agent", "someone"]))
            message: dict[str, Any] = {
                role: draw(st.sampled_from(["ann", "AcmeHelp", "", 7])),
                "tweet_ID": draw(
                    st.sampled_from(["1245403438755852288", "1245425308704149506", "12", "x", 5])
                    | st.integers(min_value=0, max_value=2**80).map(str)
                ),
                "message": draw(st.text(max_size=5)),
            }
            if draw(st.booleans()):
                message["datetime"] = draw(
                    st.sampled_from(
                        ["2020-04-01T17:31:32.000Z", "2020-04-01T17:31:32", "3000-01-01T00:00:00Z",
                         "0001-01-01T00:00:00+00:00", "soon", None]
                    )
                )  # fmt: skip
            content.append(message)
        conversation: dict[str, Any] = {
            "dialogHeader": {
                "company": draw(st.sampled_from(["Acme", "", None])),
                "sessionID": draw(st.sampled_from(["s1", "s2", "s3", ""])),
            },
            "dialogContent": content,
        }
        if draw(st.booleans()):
            conversation["agentURL"] = {
                "tweet_ID": draw(
                    st.sampled_from(["1245425308704149506", "1245403438755852288", "9" * 30])
                )
            }
        out.append(conversation)
    return out


@given(data=st.one_of(ibm_conversations(), _JSON))
def test_load_ibm_cdp_accounts_for_every_conversation_of_any_json(
    tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    path = tmp_path_factory.mktemp("ibm") / "set.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        collected = load_ibm_cdp(path, errors="collect")
    except SocialCareError:
        assert not isinstance(data, list)  # only a file that is not a list of conversations
        return
    ibm_accounted_for(collected, data)
    try:
        strict = load_ibm_cdp(path)
    except SocialCareError:
        assert collected.problems
    else:
        assert not collected.problems
        assert strict.table.conversation_ids.tolist() == collected.table.conversation_ids.tolist()


@given(data=st.binary(max_size=200))
def test_load_ibm_cdp_raises_only_its_own_error_on_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("ibm") / "random.json"
    path.write_bytes(data)
    for errors in ("raise", "collect"):
        with contextlib.suppress(SocialCareError):
            load_ibm_cdp(path, errors=errors)  # type: ignore[arg-type]
