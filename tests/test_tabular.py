"""load_messages: any tabular export (CSV, pandas, pyarrow) mapped column by column."""

from __future__ import annotations

import csv
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    load_messages,
    reply_wait_time,
)
from socialcare_metrics._core.time import datetime_to_ns
from socialcare_metrics.io._parse import localize

COLUMNS = {
    "conversation_id": "ticket",
    "message_id": "id",
    "sent_at": "at",
    "author": "who",
    "agent_id": "agent",
    "channel": "network",
    "private": "note",
    "text": "body",
    "tags": "topics",
    "sentiment": "score",
    "quick_reply": "button",
    "actioned_at": "done",
    "assignee": "owner",
    "resolved_at": "closed",
}
HEADER = "ticket,id,at,who,agent,network,note,body,topics,score,button,done,owner,closed\n"
ROWS = [
    "T1,m1,2024-05-06T10:00:00Z,customer,,twitter,false,Hi there,billing/refund;billing,0.5,"
    "Refund,2024-05-06T10:30:00Z,ana,2024-05-06T11:00:00Z",
    'T1,m2,2024-05-06T12:05:00+02:00,agent,ana,twitter,no,"Sure, done",,,,,ana,',
    "T1,m3,2024-05-06T10:04:00Z,agent,bob,twitter,TRUE,internal,,,,,,",
    'T2,m1,2024-05-07T09:00:00.250Z,Customer,,facebook,0,"line\nbreak",shipping,-1,,,,',
]


def at(*args: int, tz: Any = UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


def expected_records() -> list[Conversation]:
    """The same data built by hand as records: the reference for the loaded table."""
    return [
        Conversation(
            "T1",
            [
                Message(
                    "m1",
                    at(2024, 5, 6, 10),
                    "customer",
                    channel="twitter",
                    text="Hi there",
                    tags=("billing/refund", "billing"),
                    sentiment=0.5,
                    quick_reply="Refund",
                    actioned_at=at(2024, 5, 6, 10, 30),
                ),
                Message(
                    "m2",
                    at(2024, 5, 6, 12, 5, tz=timezone(timedelta(hours=2))),
                    "agent",
                    agent_id="ana",
                    channel="twitter",
                    text="Sure, done",
                ),
                Message(
                    "m3",
                    at(2024, 5, 6, 10, 4),
                    "agent",
                    agent_id="bob",
                    channel="twitter",
                    private=True,
                    text="internal",
                ),
            ],
            assignee="ana",
            resolved_at=at(2024, 5, 6, 11),
        ),
        Conversation(
            "T2",
            [
                Message(
                    "m1",
                    at(2024, 5, 7, 9) + timedelta(milliseconds=250),
                    "customer",
                    channel="facebook",
                    text="line\nbreak",
                    tags=("shipping",),
                    sentiment=-1.0,
                )
            ],
        ),
    ]


def same_table(got: MessageTable, want: MessageTable) -> None:
    """Every column equal, the input-position column aside."""
    for name in MessageTable.__slots__:
        if name in ("row", "conversation_tags") or name.startswith("_"):
            continue
        mine, theirs = getattr(got, name), getattr(want, name)
        if isinstance(mine, np.ndarray) and mine.dtype.kind == "f":
            np.testing.assert_array_equal(mine, theirs, err_msg=name)
        elif isinstance(mine, np.ndarray):
            assert mine.tolist() == theirs.tolist(), name
        else:
            assert mine == theirs, name


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_every_field_of_a_csv_export_is_read(tmp_path: Path) -> None:
    result = load_messages(write(tmp_path, *ROWS), columns=COLUMNS)
    assert result.problems == ()
    assert result.rows_read == 4
    same_table(result.table, MessageTable.from_conversations(expected_records()))
    # row: the data row each message came from (m3, written after m2, was sent before it).
    assert result.table.row.tolist() == [0, 2, 1, 3]
    records = result.conversations()
    assert records[0].messages[0].sentiment == 0.5
    assert records[0].resolved_at == at(2024, 5, 6, 11)


@given(chunk_size=st.integers(min_value=1, max_value=600))
def test_a_csv_read_in_chunks_gives_the_same_table(
    tmp_path_factory: pytest.TempPathFactory, chunk_size: int
) -> None:
    path = write(tmp_path_factory.mktemp("chunks"), *ROWS)
    whole = load_messages(path, columns=COLUMNS)
    chunked = load_messages(path, columns=COLUMNS, chunk_size=chunk_size)
    same_table(chunked.table, whole.table)
    assert chunked.table.row.tolist() == whole.table.row.tolist()


def test_naive_timestamps_are_refused_without_a_time_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c1,2024-07-01 10:00:00,customer",
        "c1,2024-07-01 10:05:00,agent",
        header="conv,when,who\n",
    )
    columns = {"conversation_id": "conv", "sent_at": "when", "author": "who"}
    with pytest.raises(InvalidDataError, match="UTC offset") as info:
        load_messages(path, columns=columns)
    assert (info.value.column, info.value.row) == ("when", 2)
    collected = load_messages(path, columns=columns, errors="collect")
    assert [(p.line, p.column) for p in collected.problems] == [(2, "when"), (3, "when")]
    assert len(collected.table) == 0
    berlin = load_messages(path, columns=columns, timezone="Europe/Berlin")
    # July in Berlin is UTC+2.
    assert berlin.table.sent_at[0] == datetime_to_ns(at(2024, 7, 1, 8))
    assert str(reply_wait_time(berlin.table)) == "5 min"


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@given(
    local=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)),
    zone=st.sampled_from(ZONES),
)
def test_naive_times_are_placed_in_the_zone_as_datetime_does(local: datetime, zone: str) -> None:
    # Ambiguous times take their first occurrence and times in a gap move forward, as
    # datetime with fold=0 does; that is the reference.
    tz = zoneinfo.ZoneInfo(zone)
    expected = datetime_to_ns(local.replace(tzinfo=tz))
    wall = np.array([datetime_to_ns(local.replace(tzinfo=UTC))], dtype=np.int64)
    assert int(localize(wall, tz)[0]) == expected


def test_dst_edges_end_to_end(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c,2024-03-31 02:30:00,customer",  # does not exist in Berlin: moves to 03:30 CEST
        "d,2024-10-27 02:30:00,customer",  # happens twice: the first (CEST) is taken
        "e,2024-10-27 03:30:00,customer",  # after the change: CET
        header="conv,when,who\n",
    )
    table = load_messages(
        path,
        columns={"conversation_id": "conv", "sent_at": "when", "author": "who"},
        timezone="Europe/Berlin",
    ).table
    assert table.sent_at.tolist() == [
        datetime_to_ns(at(2024, 3, 31, 1, 30)),
        datetime_to_ns(at(2024, 10, 27, 0, 30)),
        datetime_to_ns(at(2024, 10, 27, 2, 30)),
    ]


def test_an_export_s_own_author_words_are_mapped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c,2024-05-06T10:00:00Z,Inbound",
        "c,2024-05-06T10:07:00Z,OUTBOUND",
        "c,2024-05-06T10:08:00Z,automation",
        "c,2024-05-06T10:09:00Z,someone",
        header="conv,when,who\n",
    )
    columns = {"conversation_id": "conv", "sent_at": "when", "author": "who"}
    words = {"inbound": "customer", "outbound": "agent", "automation": "bot"}
    result = load_messages(path, columns=columns, authors=words, errors="collect")
    assert result.table.author.tolist() == [0, 1, 2]
    (problem,) = result.problems
    assert (problem.line, problem.column) == (5, "who")
    assert "'someone'" in problem.reason


def test_rows_that_cannot_be_used_are_listed_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "T1,m1,2024-05-06T10:00:00Z,customer,,,,,,0.1,,,,",
        "T1,m2,yesterday,agent,ana,,,,,,,,,",  # line 3
        ",m3,2024-05-06T10:02:00Z,customer,,,,,,,,,,",  # line 4
        "T1,m4,2024-05-06T10:03:00Z,customer,,,maybe,,,,,,,",  # line 5
        "T1,m5,2024-05-06T10:04:00Z,customer,,,,,,2,,,,",  # line 6
        "T1,m1,2024-05-06T10:05:00Z,agent,ana,,,,,,,,,",  # line 7: m1 again
        "T1,m6,2024-05-06T10:06:00Z,agent,ana",  # line 8: 5 fields
        "T2,m1,2024-05-06T10:07:00Z,customer,,,,,,,,,,",
    )
    with pytest.raises(InvalidDataError) as info:
        load_messages(path, columns=COLUMNS)
    assert (info.value.source, info.value.column, info.value.row) == (str(path), "at", 3)
    result = load_messages(path, columns=COLUMNS, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "at"),
        (4, "ticket"),
        (5, "note"),
        (6, "score"),
        (7, "id"),
        (8, None),
    ]
    assert "line 2 has it" in result.problems[4].reason
    assert result.problems[5].reason == "expected 14 fields (got 5 fields)"
    assert [str(m) for m in result.table.message_id] == ["m1", "m1"]
    assert result.rows_used == 2


def test_a_quote_inside_an_unquoted_field_is_text_and_the_rows_after_it_are_read(
    tmp_path: Path,
) -> None:
    rows = [f'c{i},2024-05-06T10:{i:02d}:00Z,customer,"note, {i}"' for i in range(40)]
    rows[3] = 'c3,2024-05-06T10:03:00Z,customer,a 12" screen'
    path = write(tmp_path, *rows, header="conv,when,who,body\n")
    columns = {"conversation_id": "conv", "sent_at": "when", "author": "who", "text": "body"}
    with path.open(newline="", encoding="utf-8") as handle:
        expected = [row["body"] for row in csv.DictReader(handle)]
    assert len(expected) == 40
    for chunk_size in (1 << 24, 50):
        result = load_messages(path, columns=columns, chunk_size=chunk_size)
        assert result.problems == ()
        assert result.rows_read == result.rows_used == 40
        assert result.table.text is not None
        assert sorted(result.table.text.tolist()) == sorted(expected)
        assert 'a 12" screen' in result.table.text.tolist()


def test_bad_options_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, *ROWS)
    with pytest.raises(InvalidParameterError, match="fields among"):
        load_messages(path, columns={**COLUMNS, "mood": "x"})
    with pytest.raises(InvalidParameterError, match="'author'"):
        load_messages(path, columns={"conversation_id": "ticket", "sent_at": "at"})
    with pytest.raises(InvalidParameterError, match="timezone"):
        load_messages(path, columns=COLUMNS, timezone="Mars/Olympus")
    with pytest.raises(InvalidParameterError, match="authors"):
        load_messages(path, columns=COLUMNS, authors={"in": "client"})
    with pytest.raises(InvalidParameterError, match="source"):
        load_messages([1, 2], columns=COLUMNS)
    with pytest.raises(InvalidParameterError, match="errors"):
        load_messages(path, columns=COLUMNS, errors="skip")  # type: ignore[arg-type]
    with pytest.raises(InvalidDataError, match="'nope'"):
        load_messages(path, columns={**COLUMNS, "text": "nope"})


# --- pandas and pyarrow ---------------------------------------------------------------------------


def frame_data() -> dict[str, list[Any]]:
    return {
        "ticket": ["T1", "T1", "T1", "T2"],
        "id": ["m1", "m2", "m3", "m1"],
        "at": [
            at(2024, 5, 6, 10),
            at(2024, 5, 6, 10, 5),
            at(2024, 5, 6, 10, 4),
            at(2024, 5, 7, 9) + timedelta(milliseconds=250),
        ],
        "who": ["customer", "agent", "agent", "Customer"],
        "agent": [None, "ana", "bob", None],
        "network": ["twitter", "twitter", "twitter", "facebook"],
        "note": [False, False, True, False],
        "body": ["Hi there", "Sure, done", "internal", "line\nbreak"],
        "topics": [["billing/refund", "billing"], [], [], ["shipping"]],
        "score": [0.5, None, None, -1.0],
        "button": ["Refund", None, None, None],
        "done": [at(2024, 5, 6, 10, 30), None, None, None],
        "owner": ["ana", "ana", None, None],
        "closed": [at(2024, 5, 6, 11), None, None, None],
    }


def test_a_pandas_dataframe_gives_the_same_table_as_the_records() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(frame_data())
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    result = load_messages(frame, columns=COLUMNS)
    assert result.source == "DataFrame"
    same_table(result.table, MessageTable.from_conversations(expected_records()))


def test_a_naive_pandas_column_needs_a_time_zone() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "conv": [1, 1],
            "when": pd.to_datetime(["2024-01-15 10:00", "2024-01-15 10:09"]),
            "who": ["customer", "agent"],
        }
    )
    columns = {"conversation_id": "conv", "sent_at": "when", "author": "who"}
    with pytest.raises(InvalidDataError, match="UTC offset") as info:
        load_messages(frame, columns=columns)
    assert (info.value.column, info.value.row) == ("when", 0)
    table = load_messages(frame, columns=columns, timezone="America/New_York").table
    assert table.sent_at[0] == datetime_to_ns(at(2024, 1, 15, 15))  # EST is UTC-5
    assert table.conversation_ids.tolist() == ["1"]


def test_a_pyarrow_table_gives_the_same_table_as_the_records() -> None:
    pa = pytest.importorskip("pyarrow")
    data = frame_data()
    table = pa.table(
        {
            **data,
            "at": pa.array(data["at"], type=pa.timestamp("us", tz="UTC")),
            "done": pa.array(data["done"], type=pa.timestamp("us", tz="UTC")),
            "closed": pa.array(data["closed"], type=pa.timestamp("us", tz="UTC")),
        }
    )
    result = load_messages(table, columns=COLUMNS)
    assert result.source == "pyarrow Table"
    same_table(result.table, MessageTable.from_conversations(expected_records()))


def test_a_naive_pyarrow_column_needs_a_time_zone() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {
            "conv": ["a", "a"],
            "when": pa.array(
                [datetime(2024, 1, 15, 10), datetime(2024, 1, 15, 10, 9)], type=pa.timestamp("s")
            ),
            "who": ["customer", "agent"],
        }
    )
    columns = {"conversation_id": "conv", "sent_at": "when", "author": "who"}
    with pytest.raises(InvalidDataError, match="UTC offset"):
        load_messages(table, columns=columns)
    loaded = load_messages(table, columns=columns, timezone="Asia/Kolkata").table
    assert loaded.sent_at[0] == datetime_to_ns(at(2024, 1, 15, 4, 30))  # IST is UTC+5:30


@given(
    texts=st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
            max_size=30,
        ),
        min_size=1,
        max_size=12,
    ),
    chunk_size=st.integers(min_value=1, max_value=300),
    crlf=st.booleans(),
    quote_all=st.booleans(),
)
def test_text_fields_read_as_the_csv_module_reads_them(
    tmp_path_factory: pytest.TempPathFactory,
    texts: list[str],
    chunk_size: int,
    crlf: bool,
    quote_all: bool,
) -> None:
    path = tmp_path_factory.mktemp("texts") / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(
            handle,
            lineterminator="\r\n" if crlf else "\n",
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        )
        writer.writerow(["conv", "when", "who", "body"])
        for i, text in enumerate(texts):
            writer.writerow(["c", f"2024-05-06T10:{i:02d}:00Z", "customer", text])
    with path.open(newline="", encoding="utf-8") as handle:
        expected = [row[3] if len(row) > 3 else None for row in csv.reader(handle)][1:]
    # csv.writer leaves a lone carriage return unquoted, and then neither reader can tell it
    # from a line ending: only files the csv module itself reads back are compared.
    assume(expected == texts)
    result = load_messages(
        path,
        columns={"conversation_id": "conv", "sent_at": "when", "author": "who", "text": "body"},
        chunk_size=chunk_size,
    )
    assert result.problems == ()
    assert result.table.text is not None
    assert result.table.text.tolist() == expected == texts
