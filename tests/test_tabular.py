"""load_messages: any tabular export (CSV, pandas, pyarrow) mapped column by column."""

from __future__ import annotations

import csv
import math
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
from socialcare_metrics._core.time import NAT, datetime_to_ns, unchecked_ns
from socialcare_metrics.io._parse import (
    datetime64_to_ns,
    localize,
    parse_iso_times,
    parse_iso_times_fast,
)

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


TIME_COLUMNS = {"conversation_id": "conv", "sent_at": "when", "author": "who"}


@pytest.mark.parametrize("naive_first", [True, False])
def test_each_time_of_a_column_is_read_with_its_own_offset_or_none(
    tmp_path: Path, naive_first: bool
) -> None:
    # One column, two kinds of value: the naive one is placed in the zone, the one with an
    # offset is read as written, whichever comes first.
    rows = ["c,2024-07-01 10:00:00,customer", "c,2024-07-01T12:05:00+02:00,agent"]
    path = write(tmp_path, *(rows if naive_first else rows[::-1]), header="conv,when,who\n")
    table = load_messages(path, columns=TIME_COLUMNS, timezone="America/New_York").table
    assert sorted(table.sent_at.tolist()) == [
        datetime_to_ns(at(2024, 7, 1, 10, 5)),  # 12:05+02:00
        datetime_to_ns(at(2024, 7, 1, 14)),  # 10:00 in New York (EDT, UTC-4)
    ]
    # Without a zone only the naive value is refused, and it is named as naive.
    naive_line = 2 if naive_first else 3
    with pytest.raises(InvalidDataError, match="UTC offset") as info:
        load_messages(path, columns=TIME_COLUMNS)
    assert (info.value.row, info.value.got) == (naive_line, "2024-07-01 10:00:00")
    collected = load_messages(path, columns=TIME_COLUMNS, errors="collect")
    assert [(p.line, p.column) for p in collected.problems] == [(naive_line, "when")]
    assert collected.table.sent_at.tolist() == [datetime_to_ns(at(2024, 7, 1, 10, 5))]


def test_a_frame_column_of_naive_and_aware_datetimes_is_read_value_by_value() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "conv": ["c", "c", "c"],
            "when": pd.Series(
                [
                    datetime(2024, 1, 15, 10),
                    datetime(2024, 1, 15, 12, 5, tzinfo=timezone(timedelta(hours=2))),
                    pd.Timestamp("2024-01-15 11:00:00.000000001", tz="UTC"),
                ],
                dtype=object,
            ),
            "who": ["customer", "agent", "agent"],
        }
    )
    table = load_messages(frame, columns=TIME_COLUMNS, timezone="Europe/Berlin").table
    assert table.sent_at.tolist() == [
        datetime_to_ns(at(2024, 1, 15, 9)),  # 10:00 in Berlin (CET, UTC+1)
        datetime_to_ns(at(2024, 1, 15, 10, 5)),
        datetime_to_ns(at(2024, 1, 15, 11)) + 1,  # a pandas Timestamp keeps its nanosecond
    ]
    collected = load_messages(frame, columns=TIME_COLUMNS, errors="collect")
    assert [(p.row, p.column) for p in collected.problems] == [(0, "when")]


def test_a_missing_time_is_reported_as_missing_never_as_naive() -> None:
    pd = pytest.importorskip("pandas")
    missing = [None, math.nan, pd.NaT, pd.NA, np.datetime64("NaT"), "", "  "]
    frame = pd.DataFrame(
        {
            "conv": ["c"] * (len(missing) + 1),
            "when": pd.Series([at(2024, 1, 15, 10), *missing], dtype=object),
            "who": ["customer"] * (len(missing) + 1),
            "done": pd.Series([*missing, at(2024, 1, 15, 11)], dtype=object),
        }
    )
    columns = {**TIME_COLUMNS, "actioned_at": "done"}
    for zone in (None, "UTC"):
        result = load_messages(frame, columns=columns, timezone=zone, errors="collect")
        assert [p.row for p in result.problems] == list(range(1, len(missing) + 1))
        for problem in result.problems:
            assert problem.column == "when"
            assert problem.reason == "expected a timestamp (got nothing: the value is missing)"
        # In a column that may be empty, a missing value is no time.
        assert result.table.actioned_at is not None
        assert result.table.actioned_at.tolist() == [NAT]
    naive = pd.DataFrame(
        {
            "conv": ["c", "c"],
            "when": pd.Series([datetime(2024, 1, 15, 10), pd.NaT], dtype="datetime64[us]"),
            "who": ["customer", "agent"],
        }
    )
    result = load_messages(naive, columns=TIME_COLUMNS, errors="collect")
    assert [p.reason for p in result.problems] == [
        "expected a timestamp with a UTC offset (or pass timezone= to read naive times in it) "
        "(got np.datetime64('2024-01-15T10:00:00.000000') that is a datetime64)",
        "expected a timestamp (got nothing: the value is missing)",
    ]


RANGE = "a time from 1677-09-21 00:12:43.145224193 to 2262-04-11 23:47:16.854775807 UTC"


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("3000-05-06T10:00:00Z", None),  # the vectorised path: every value ends in Z
        ("1600-05-06T10:00:00Z", None),
        ("3000-05-06T10:00:00+02:00", None),
        ("9999-12-31T23:59:59.999999+00:00", None),
        ("0001-01-01T00:00:00-05:00", None),
        ("3000-05-06 10:00:00", "Europe/Berlin"),  # naive, then placed in the zone
        ("2262-04-11 23:00:00", "America/New_York"),  # in range as a wall time, not in the zone
        ("2262-04-11T23:47:16.854775808Z", None),  # one nanosecond too late
        ("1677-09-21T00:12:43.145224192Z", None),  # the missing-value sentinel itself
    ],
)
def test_a_csv_time_outside_the_range_of_the_table_is_reported(
    tmp_path: Path, value: str, zone: str | None
) -> None:
    suffix = "Z" if value.endswith("Z") else ""
    path = write(
        tmp_path,
        f"c,2024-05-06T10:00:00{suffix or '+00:00'},customer",
        f"c,{value},agent",
        f"c,2024-05-06T10:05:00{suffix or '+00:00'},agent",
        header="conv,when,who\n",
    )
    with pytest.raises(InvalidDataError, match="2262-04-11") as info:
        load_messages(path, columns=TIME_COLUMNS, timezone=zone)
    assert (info.value.column, info.value.row) == ("when", 3)
    result = load_messages(path, columns=TIME_COLUMNS, timezone=zone, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [(3, "when")]
    assert RANGE in result.problems[0].reason
    assert result.table.sent_at.tolist() == [
        datetime_to_ns(at(2024, 5, 6, 10)),
        datetime_to_ns(at(2024, 5, 6, 10, 5)),
    ]


def test_the_first_and_last_instants_the_table_holds_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c,1677-09-21T00:12:43.145224193Z,customer",
        "c,2262-04-11T23:47:16.854775807Z,agent",
        header="conv,when,who\n",
    )
    table = load_messages(path, columns=TIME_COLUMNS).table
    assert table.sent_at.tolist() == [NAT + 1, np.iinfo(np.int64).max]


@pytest.mark.parametrize(
    ("unit", "aware"),
    [
        *[(unit, False) for unit in ("s", "ms", "us", "D", "Y")],
        *[(unit, True) for unit in ("s", "ms", "us")],
    ],
)
@pytest.mark.parametrize("year", ["3000", "1600"])
def test_a_frame_time_outside_the_range_of_the_table_is_reported(
    unit: str, aware: bool, year: str
) -> None:
    pd = pytest.importorskip("pandas")
    when = np.array(["2024-01-01", f"{year}-01-01", "2025-01-01"], dtype=f"datetime64[{unit}]")
    series = pd.Series(when)
    if aware:
        series = series.dt.tz_localize("UTC")
    frame = pd.DataFrame({"conv": ["c"] * 3, "when": series, "who": ["customer"] * 3})
    with pytest.raises(InvalidDataError, match="2262-04-11") as info:
        load_messages(frame, columns=TIME_COLUMNS, timezone="UTC")
    assert (info.value.column, info.value.row) == ("when", 1)
    result = load_messages(frame, columns=TIME_COLUMNS, timezone="UTC", errors="collect")
    assert [(p.row, p.column) for p in result.problems] == [(1, "when")]
    assert RANGE in result.problems[0].reason
    assert f"{year}-01-01" in result.problems[0].reason
    assert result.table.sent_at.tolist() == [
        datetime_to_ns(at(2024, 1, 1)),
        datetime_to_ns(at(2025, 1, 1)),
    ]


def test_an_object_column_time_outside_the_range_of_the_table_is_reported() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "conv": ["c", "c", "c"],
            "when": pd.Series([at(2024, 1, 1), at(3000, 1, 1), datetime(1600, 1, 1)], dtype=object),
            "who": ["customer"] * 3,
        }
    )
    result = load_messages(frame, columns=TIME_COLUMNS, timezone="UTC", errors="collect")
    assert [(p.row, p.column) for p in result.problems] == [(1, "when"), (2, "when")]
    assert all(RANGE in p.reason for p in result.problems)


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
@pytest.mark.parametrize("zone", [None, "UTC"])
def test_an_arrow_time_outside_the_range_of_the_table_is_reported(
    unit: str, zone: str | None
) -> None:
    pa = pytest.importorskip("pyarrow")
    per_second = {"s": 1, "ms": 1_000, "us": 1_000_000}[unit]
    table = pa.table(
        {
            "conv": ["c", "c", "c"],
            "when": pa.array(
                [1_704_067_200 * per_second, 40_000_000_000 * per_second, None],
                type=pa.timestamp(unit, tz=zone),
            ),
            "who": ["customer"] * 3,
        }
    )
    result = load_messages(table, columns=TIME_COLUMNS, timezone="UTC", errors="collect")
    assert [(p.row, p.column) for p in result.problems] == [(1, "when"), (2, "when")]
    assert RANGE in result.problems[0].reason
    assert result.table.sent_at.tolist() == [datetime_to_ns(at(2024, 1, 1))]


_OFFSETS = {"": None, "Z": 0, "+00:00": 0, "+02:00": 120, "-05:30": -330, "+14:00": 840}

_EDGE_DAYS = st.sampled_from(
    [datetime(1677, 9, 21), datetime(1677, 9, 22), datetime(2262, 4, 11), datetime(2262, 4, 10)]
)


@st.composite
def iso_columns(draw: st.DrawFn) -> tuple[list[str], list[int | None]]:
    """ISO timestamps with their exact epoch ns (None when out of int64 range), naive ones read
    as UTC wall times."""
    common = draw(st.sampled_from([None, *_OFFSETS]))
    values: list[str] = []
    expected: list[int | None] = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        day = draw(
            st.one_of(
                st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
                _EDGE_DAYS.flatmap(
                    lambda d: st.datetimes(min_value=d, max_value=d + timedelta(days=1))
                ),
            )
        ).replace(microsecond=0)
        nanos = draw(st.integers(min_value=0, max_value=999_999_999))
        offset = common if common is not None else draw(st.sampled_from(list(_OFFSETS)))
        sep = draw(st.sampled_from(["T", " "]))
        values.append(
            f"{day.year:04d}-{day.month:02d}-{day.day:02d}{sep}{day.hour:02d}:{day.minute:02d}:"
            f"{day.second:02d}.{nanos:09d}{offset}"
        )
        minutes = _OFFSETS[offset] or 0
        ns = unchecked_ns(day.replace(tzinfo=timezone(timedelta(minutes=minutes)))) + nanos
        expected.append(ns if NAT < ns <= np.iinfo(np.int64).max else None)
    return values, expected


@given(column=iso_columns())
def test_iso_times_are_read_exactly_on_the_fast_and_the_slow_path(
    column: tuple[list[str], list[int | None]],
) -> None:
    values, expected = column
    for parse in (parse_iso_times, parse_iso_times_fast):
        ns, parsed, naive, empty, outside = parse(values)
        assert parsed.all()
        assert not empty.any()
        assert naive.tolist() == [v[-1].isdigit() and v[-6] not in "+-" for v in values]
        assert outside.tolist() == [e is None for e in expected]
        assert ns.tolist() == [NAT if e is None else e for e in expected]


@given(
    raw=st.lists(st.integers(min_value=NAT + 1, max_value=np.iinfo(np.int64).max), max_size=6),
    unit=st.sampled_from(["W", "D", "h", "m", "s", "ms", "us", "ns", "ps"]),
)
def test_datetime64_values_of_any_unit_are_read_or_found_out_of_range(
    raw: list[int], unit: str
) -> None:
    values = np.array([*raw, NAT], dtype=np.int64).view(f"datetime64[{unit}]")
    ns, outside = datetime64_to_ns(values)
    per = {"W": 604_800 * 10**9, "D": 86_400 * 10**9, "h": 3_600 * 10**9, "m": 60 * 10**9}
    per.update({"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1})
    expected = [v * per[unit] if unit in per else v // 1000 for v in raw]
    fits = [NAT < e <= np.iinfo(np.int64).max for e in expected]
    assert outside.tolist() == [not f for f in fits] + [False]
    assert ns.tolist() == [e if f else NAT for e, f in zip(expected, fits, strict=True)] + [NAT]


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@given(
    local=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)),
    zone=st.sampled_from(ZONES),
)
def test_naive_times_are_placed_in_the_zone_as_datetime_does(local: datetime, zone: str) -> None:
    # Ambiguous times take their first occurrence and times in a gap move forward, as
    # datetime with fold=0 does; that is the reference.
    tz = zoneinfo.ZoneInfo(zone)
    # (A wall time read from data has no fold: hypothesis may draw fold=1, the second one.)
    expected = datetime_to_ns(local.replace(tzinfo=tz, fold=0))
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


def test_a_resolution_before_the_first_message_is_a_problem_of_its_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c1,2024-05-06T10:00:00Z,customer,2024-05-06T09:00:00Z",  # line 2: before 10:00
        "c1,2024-05-06T10:05:00Z,agent,",
        "c2,2024-05-06T10:00:00Z,customer,2024-05-06T09:00:00Z",  # early, but a later one
        "c2,2024-05-06T10:05:00Z,agent,2024-05-06T11:00:00Z",  # is used: fine
        "c3,2024-05-06T12:00:00Z,customer,2024-05-06T11:00:00Z",  # line 6
        "c3,2024-05-06T12:05:00Z,agent,2024-05-06T11:00:00Z",  # line 7
        "c4,2024-05-06T12:00:00Z,customer,",
        header="conv,when,who,closed\n",
    )
    columns = {**TIME_COLUMNS, "resolved_at": "closed"}
    with pytest.raises(InvalidDataError, match="first message of conversation 'c1'") as info:
        load_messages(path, columns=columns)
    assert (info.value.column, info.value.row) == ("closed", 2)
    result = load_messages(path, columns=columns, errors="collect")
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "closed"),
        (6, "closed"),
        (7, "closed"),
    ]
    assert "conversation 'c3' (2024-05-06 12:00:00+00:00, line 6)" in result.problems[1].reason
    assert result.rows_read == 7
    assert result.rows_used == 4
    table = result.table
    assert table.conversation_ids.tolist() == ["c1", "c2", "c4"]
    assert table.resolved_at.tolist() == [NAT, datetime_to_ns(at(2024, 5, 6, 11)), NAT]
    assert table.row.tolist() == [1, 2, 3, 6]


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


@pytest.mark.parametrize("library", ["csv", "pandas", "pyarrow"])
def test_a_mapped_column_whose_name_is_used_twice_is_refused(tmp_path: Path, library: str) -> None:
    names = ["conv", "when", "who", "who"]
    data = [["c"], ["2024-05-06T10:00:00Z"], ["customer"], ["agent"]]
    if library == "csv":
        source: Any = write(
            tmp_path, "c,2024-05-06T10:00:00Z,customer,agent", header="conv,when,who,who\n"
        )
    elif library == "pandas":
        pd = pytest.importorskip("pandas")
        source = pd.DataFrame(dict(enumerate(data))).set_axis(names, axis=1)
    else:
        pa = pytest.importorskip("pyarrow")
        source = pa.table([pa.array(values) for values in data], names=names)
    with pytest.raises(InvalidDataError, match="'who'") as info:
        load_messages(source, columns=TIME_COLUMNS)
    assert info.value.column == "who"
    assert "one column named 'who'" in str(info.value)
    # A repeated name that is not mapped is no obstacle.
    loaded = load_messages(
        source,
        columns={"conversation_id": "when", "sent_at": "when", "author": "conv"},
        authors={"c": "customer"},
    )
    assert loaded.rows_used == 1


def test_integers_too_large_for_a_float_or_for_printing_are_reported() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "conv": pd.Series(["c", 10**5000, "c"], dtype=object),
            "when": ["2024-05-06T10:00:00Z"] * 3,
            "who": ["customer"] * 3,
            "score": pd.Series([0.5, 0.5, 10**400], dtype=object),
        }
    )
    columns = {**TIME_COLUMNS, "sentiment": "score"}
    result = load_messages(frame, columns=columns, errors="collect")
    assert [(p.row, p.column) for p in result.problems] == [(1, "conv"), (2, "score")]
    assert "cannot be shown" in result.problems[0].reason
    with pytest.raises(InvalidDataError, match="'conv'"):
        load_messages(frame, columns=columns)


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


# --- a bool author column, and a refused source named by its type -------------------------------


def test_a_bool_author_column_maps_with_bool_keys(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "c": ["a", "a", "b"],
            "t": pd.to_datetime(["2024-05-06T10:00Z", "2024-05-06T10:05Z", "2024-05-06T11:00Z"]),
            "inbound": [True, False, True],
        }
    )
    columns = {"conversation_id": "c", "sent_at": "t", "author": "inbound"}
    authors = {True: "customer", False: "agent"}
    csv_path = tmp_path / "bool.csv"
    frame.to_csv(csv_path, index=False)
    for source in (frame, pa.Table.from_pandas(frame), csv_path):
        table = load_messages(source, columns=columns, authors=authors).table
        assert table.author.tolist() == [0, 1, 0], type(source)
    with pytest.raises(InvalidParameterError, match=r"'authors\[True\]' must be one of"):
        load_messages(frame, columns=columns, authors={True: "client", False: "agent"})
    with pytest.raises(InvalidParameterError, match="'authors' must be a mapping whose keys"):
        load_messages(frame, columns=columns, authors={1.5: "customer"})


def test_a_refused_source_is_named_by_its_type_not_printed() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series(range(1000))
    with pytest.raises(InvalidParameterError) as caught:
        load_messages(series, columns={"conversation_id": "c", "sent_at": "t", "author": "a"})
    message = str(caught.value)
    assert message.endswith("(got a Series of shape (1000,))")
    assert "\n" not in message
