"""Timestamps that are not ISO 8601: ``load_messages(..., timestamp_format=...)``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import InvalidDataError, InvalidParameterError, load_messages

COLUMNS = {"conversation_id": "ticket", "sent_at": "at", "author": "who"}


def export(tmp_path: Path, *times: str) -> Path:
    path = tmp_path / "export.csv"
    rows = "".join(f"T1,{t},{'customer' if i % 2 == 0 else 'agent'}\n" for i, t in enumerate(times))
    path.write_text("ticket,at,who\n" + rows, encoding="utf-8")
    return path


def instants(result: Any) -> list[datetime]:
    return [
        datetime.fromtimestamp(ns / 1e9, UTC).replace(microsecond=(ns // 1000) % 1_000_000)
        for ns in result.table.sent_at.tolist()
    ]


def test_a_day_first_format_is_read_in_the_time_zone(tmp_path: Path) -> None:
    path = export(tmp_path, "06/05/2024 10:00", "6/5/2024 10:07")
    result = load_messages(
        path, columns=COLUMNS, timestamp_format="%d/%m/%Y %H:%M", timezone="Europe/Berlin"
    )
    assert instants(result) == [
        datetime(2024, 5, 6, 8, 0, tzinfo=UTC),
        datetime(2024, 5, 6, 8, 7, tzinfo=UTC),
    ]


def test_a_format_without_an_offset_needs_a_time_zone(tmp_path: Path) -> None:
    path = export(tmp_path, "06/05/2024 10:00")
    with pytest.raises(InvalidDataError, match="UTC offset"):
        load_messages(path, columns=COLUMNS, timestamp_format="%d/%m/%Y %H:%M")


def test_the_twcs_form_with_its_offset_needs_no_time_zone(tmp_path: Path) -> None:
    path = export(tmp_path, "Tue Oct 31 22:10:47 +0000 2017", "Tue Oct 31 22:15:47 +0200 2017")
    result = load_messages(path, columns=COLUMNS, timestamp_format="%a %b %d %H:%M:%S %z %Y")
    assert instants(result) == [
        datetime(2017, 10, 31, 20, 15, 47, tzinfo=UTC),
        datetime(2017, 10, 31, 22, 10, 47, tzinfo=UTC),
    ]


def test_a_value_the_format_does_not_read_is_reported_with_the_format(tmp_path: Path) -> None:
    path = export(tmp_path, "06/05/2024 10:00", "31/02/2024 10:00", "2024-05-06 10:00")
    result = load_messages(
        path,
        columns=COLUMNS,
        timestamp_format="%d/%m/%Y %H:%M",
        timezone="UTC",
        errors="collect",
    )
    assert [(p.row, p.line) for p in result.problems] == [(1, 3), (2, 4)]
    assert "'%d/%m/%Y %H:%M'" in result.problems[0].reason
    assert result.rows_used == 1


@pytest.mark.parametrize(
    ("unit", "value", "want"),
    [
        ("epoch_s", "1714989600", datetime(2024, 5, 6, 10, tzinfo=UTC)),
        ("epoch_s", "1714989600.25", datetime(2024, 5, 6, 10, 0, 0, 250_000, tzinfo=UTC)),
        ("epoch_ms", "1714989600123", datetime(2024, 5, 6, 10, 0, 0, 123_000, tzinfo=UTC)),
        ("epoch_us", "1714989600000001", datetime(2024, 5, 6, 10, 0, 0, 1, tzinfo=UTC)),
    ],
)
def test_epoch_numbers_in_text(tmp_path: Path, unit: str, value: str, want: datetime) -> None:
    result = load_messages(export(tmp_path, value), columns=COLUMNS, timestamp_format=unit)
    assert instants(result) == [want]


def test_epoch_numbers_in_a_dataframe_and_an_arrow_table() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {"ticket": ["T1", "T1"], "at": [1714989600000, 1714989660000], "who": ["customer", "agent"]}
    )
    for source in (frame, pa.Table.from_pandas(frame)):
        result = load_messages(source, columns=COLUMNS, timestamp_format="epoch_ms")
        assert result.table.sent_at.tolist() == [1714989600 * 10**9, 1714989660 * 10**9]


@pytest.mark.parametrize(
    ("unit", "values", "meant"),
    [
        ("epoch_ms", ("1714989600", "1714989660"), "epoch_s"),  # seconds read as milliseconds
        ("epoch_ns", ("1714989600000000", "1714989660000000"), "epoch_us"),
        ("epoch_us", ("1714989600123",), "epoch_ms"),
    ],
)
def test_an_epoch_unit_finer_than_the_numbers_is_refused(
    tmp_path: Path, unit: str, values: tuple[str, ...], meant: str
) -> None:
    # Every message in the first weeks of 1970, and recent times in a coarser unit: the unit is
    # wrong, and the error says which one the numbers look like.
    with pytest.raises(InvalidParameterError, match="'timestamp_format'") as error:
        load_messages(export(tmp_path, *values), columns=COLUMNS, timestamp_format=unit)
    assert f"read as {meant!r}, from 2024-05-06 to 2024-05-06" in str(error.value)
    assert f"read as {unit!r}, every message was sent from 1970-01-" in str(error.value)
    assert (
        instants(load_messages(export(tmp_path, *values), columns=COLUMNS, timestamp_format=meant))[
            0
        ].date()
        == datetime(2024, 5, 6).date()
    )


@pytest.mark.parametrize(
    ("unit", "values"),
    [
        ("epoch_ms", ("0", "5", "60000")),  # early 1970 in any unit
        ("epoch_ms", ("1714989600", "1714989600000")),  # one of them recent
        ("epoch_s", ("1714989", "1714990")),  # seconds: nothing coarser to suggest
        ("epoch_ms", ("-5", "1714989600")),  # before 1970
    ],
)
def test_early_1970_times_that_no_coarser_unit_explains_are_kept(
    tmp_path: Path, unit: str, values: tuple[str, ...]
) -> None:
    result = load_messages(export(tmp_path, *values), columns=COLUMNS, timestamp_format=unit)
    assert len(result.table) == len(values)


def test_an_epoch_number_past_the_range_is_reported(tmp_path: Path) -> None:
    result = load_messages(
        export(tmp_path, "1714989600", "1e20"),
        columns=COLUMNS,
        timestamp_format="epoch_s",
        errors="collect",
    )
    assert [p.row for p in result.problems] == [1]
    assert "1677-09-21" in result.problems[0].reason


@pytest.mark.parametrize("bad", ["%Q", "epoch", "", 3, "dd/mm/yyyy"])
def test_a_bad_format_is_refused(bad: Any) -> None:
    with pytest.raises(InvalidParameterError, match="timestamp_format"):
        load_messages(Path(__file__), columns=COLUMNS, timestamp_format=bad)


_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y%m%d %H%M%S",
    "%a %b %d %H:%M:%S %z %Y",
    "%d.%m.%Y %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S%z",
]


@given(
    moments=st.lists(
        st.datetimes(
            min_value=datetime(1900, 1, 1),
            max_value=datetime(2200, 12, 31),
            timezones=st.sampled_from(
                [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
            ),
        ),
        min_size=1,
        max_size=8,
    ),
    fmt=st.sampled_from(_FORMATS),
    frame=st.booleans(),
)
def test_what_strftime_writes_is_read_back(
    moments: list[datetime], fmt: str, frame: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    has_offset = "%z" in fmt
    if not has_offset:
        moments = [m.astimezone(UTC) for m in moments]
    if "%f" not in fmt:
        moments = [m.replace(microsecond=0) for m in moments]
    texts = [m.strftime(fmt) for m in moments]
    options: dict[str, Any] = {"timestamp_format": fmt}
    if not has_offset:
        options["timezone"] = "UTC"
    if frame:
        pd = pytest.importorskip("pandas")
        source: Any = pd.DataFrame(
            {"ticket": [f"T{i}" for i in range(len(texts))], "at": texts,
             "who": ["customer"] * len(texts)}
        )  # fmt: skip
    else:
        path = tmp_path_factory.mktemp("fmt") / "export.csv"
        body = "".join(f"T{i},{t},customer\n" for i, t in enumerate(texts))
        path.write_text("ticket,at,who\n" + body, encoding="utf-8")
        source = path
    result = load_messages(source, columns=COLUMNS, **options)
    got = result.table.sent_at[np.argsort(result.table.row)].tolist()
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert got == [(m - epoch) // timedelta(microseconds=1) * 1000 for m in moments]


def test_numbers_in_a_time_column_hint_at_an_epoch_format(tmp_path: Path) -> None:
    result = load_messages(
        export(tmp_path, "1714989600", "2024-05-06T10:05:00Z", "nan"),
        columns=COLUMNS,
        errors="collect",
    )
    reasons = {p.row: p.reason for p in result.problems}
    assert "timestamp_format='epoch_s' or 'epoch_ms'" in reasons[0]
    assert "timestamp_format" not in reasons[2]  # not a number: no such hint


def test_an_unknown_author_word_hints_at_authors(tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("ticket,at,who\nT1,2024-05-06T10:00:00Z,inbound\n", encoding="utf-8")
    result = load_messages(path, columns=COLUMNS, errors="collect")
    assert "authors=" in result.problems[0].reason


@pytest.mark.parametrize("offset", ["+25:00", "-24:00", "+23:60", "+99:99", "+23:59", "-00:30"])
@pytest.mark.parametrize("arrow", [True, False])
def test_utc_offsets_are_read_as_python_reads_them(
    tmp_path: Path, offset: str, arrow: bool
) -> None:
    # Every row with one offset takes the fast paths (the column's bytes, or numpy): an offset
    # of a day or more, or of 60 minutes, is no offset there either.
    from unittest import mock

    import socialcare_metrics._core.encode as encode_module

    times = [f"2024-05-06T10:0{i}:00{offset}" for i in range(3)]
    try:
        expected = [int(datetime.fromisoformat(t).timestamp()) * 10**9 for t in times]
    except ValueError:
        expected = None
    path = export(tmp_path, *times)
    with mock.patch.object(encode_module, "_PYARROW", [None] if not arrow else []):
        result = load_messages(path, columns=COLUMNS, errors="collect")
    if expected is None:
        assert len(result.table) == 0
        assert [p.line for p in result.problems] == [2, 3, 4]
        assert "ISO 8601" in result.problems[0].reason
    else:
        assert result.problems == ()
        assert result.table.sent_at.tolist() == expected
