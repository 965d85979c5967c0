"""Columns in C: whole-column conversion gives what value-by-value conversion gives.

`MessageTable.from_columns` and `load_messages` factorise and convert whole columns through
Arrow (or pandas) when installed, and look at values one by one otherwise. Both ways are run
here on the same inputs, odd values included: the same table, the same problems, the same error.
The sources a user has (lists, numpy, pandas in its dtypes, pyarrow, polars) give one table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

import socialcare_metrics._core.encode as encode_module
from socialcare_metrics import (
    InvalidDataError,
    MessageTable,
    SocialCareError,
    load_messages,
    load_twcs,
)
from socialcare_metrics.io import LoadResult
from test_fuzz_loaders import MESSAGE_COLUMNS, accounted_for, message_files, twcs_files
from test_tabular import same_table

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")


def value_by_value(call: Callable[[], Any]) -> Any:
    """Run a call with neither pyarrow nor pandas used for whole columns."""
    with (
        mock.patch.object(encode_module, "_PYARROW", [None]),
        mock.patch.object(encode_module, "_pandas_or_none", return_value=None),
    ):
        return call()


def outcome(call: Callable[[], Any]) -> Any:
    """A call's result, or its error as (type, column, row, message)."""
    try:
        return call()
    except SocialCareError as error:
        row = getattr(error, "row", None)
        return (type(error).__name__, getattr(error, "column", None), row, str(error))


def same_outcome(fast: Any, slow: Any) -> None:
    if isinstance(slow, tuple):
        assert fast == slow
        event("both refused")
        return
    assert not isinstance(fast, tuple), fast
    if isinstance(slow, LoadResult):
        assert fast.problems == slow.problems
        assert fast.rows_read == slow.rows_read
        assert fast.table.row.tolist() == slow.table.row.tolist()
        fast, slow = fast.table, slow.table
        event("loaded")
    same_table(fast, slow)
    assert fast.row.tolist() == slow.row.tolist()
    assert fast.conversation_ids.tolist() == slow.conversation_ids.tolist()


# --- from_columns ------------------------------------------------------------------------------

_IDS = st.one_of(
    st.sampled_from(["c1", "c2", "C1", " c1", "", "é", "c1 "]),
    st.none(),
    st.just(math.nan),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([True, 1.5, 2**64]),
)
_NAMES = st.one_of(
    st.sampled_from(["ana", "bo", "Ana", "", " ana"]),
    st.none(),
    st.just(math.nan),
    st.integers(min_value=-2, max_value=3),
    st.sampled_from([False, 0.5]),
)
_AUTHORS = st.one_of(
    st.sampled_from(["customer", "agent", "bot", "Agent", "CUSTOMER", "x", "", " agent"]),
    st.none(),
    st.integers(min_value=-1, max_value=3),
)


@st.composite
def id_columns(draw: st.DrawFn) -> dict[str, Any]:
    """Columns of mostly one kind of value (so the whole-column way is taken), with odd values
    in some of them."""
    n = draw(st.integers(min_value=0, max_value=8))

    def column(values: st.SearchStrategy[Any], usual: st.SearchStrategy[Any]) -> Any:
        odd = draw(st.booleans())
        items = [draw(values if odd and draw(st.booleans()) else usual) for _ in range(n)]
        form = draw(st.sampled_from(["list", "numpy", "numpy"]))
        return items if form == "list" else np.array(items, dtype=object)

    return {
        "conversation_id": column(_IDS, st.sampled_from(["c1", "c2", "c3"])),
        "sent_at": np.datetime64("2024-05-06T10:00", "ns")
        + np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), dtype=np.int64)
        * np.timedelta64(1, "m"),
        "author": column(_AUTHORS, st.sampled_from(["customer", "agent"])),
        "agent_id": column(_NAMES, st.sampled_from(["ana", "bo", None])),
        "channel": column(_NAMES, st.sampled_from(["x", "email"])),
        "assignee": column(_NAMES, st.sampled_from(["ana", "cy", None])),
        "message_id": column(_IDS, st.sampled_from([f"m{i}" for i in range(12)])),
        "text": column(st.one_of(st.none(), st.just(3)), st.sampled_from(["hi", "", "ça"])),
    }


@given(columns=id_columns())
def test_from_columns_is_the_same_with_whole_columns_and_value_by_value(
    columns: dict[str, Any],
) -> None:
    def build() -> Any:
        return outcome(lambda: MessageTable.from_columns(**columns))

    same_outcome(build(), value_by_value(build))


def _sources(values: list[Any]) -> dict[str, Any]:
    """One column of str (with None for missing) in the forms users hold it."""
    forms: dict[str, Any] = {
        "list": list(values),
        "numpy object": np.array(values, dtype=object),
        "pandas object": pd.Series(values, dtype=object),
        "pandas string": pd.Series(values, dtype="string"),
        "pandas category": pd.Series(values, dtype="category"),
        "pyarrow string": pa.array(values, pa.string()),
        "pyarrow large_string": pa.chunked_array(
            [pa.array(values[:2], pa.large_string()), pa.array(values[2:], pa.large_string())]
        ),
        "pyarrow dictionary": pa.array(values, pa.string()).dictionary_encode(),
    }
    if None not in values:
        forms["numpy str"] = np.array(values, dtype=str)
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        forms["polars"] = pl.Series(values, dtype=pl.String)
        forms["polars categorical"] = pl.Series(values, dtype=pl.Categorical)
    return forms


@given(
    conversations=st.lists(st.sampled_from(["t1", "t2", "t10", "é"]), min_size=1, max_size=9),
    data=st.data(),
)
def test_every_source_of_a_column_gives_one_table(conversations: list[str], data: Any) -> None:
    n = len(conversations)
    agents = data.draw(st.lists(st.sampled_from(["ana", "bo", None]), min_size=n, max_size=n))
    authors = data.draw(
        st.lists(st.sampled_from(["customer", "agent", "Bot"]), min_size=n, max_size=n)
    )
    times = np.datetime64("2024-05-06T10:00", "ns") + np.arange(n)[::-1] * np.timedelta64(1, "m")
    want = MessageTable.from_columns(
        conversation_id=conversations, sent_at=times, author=authors, agent_id=agents
    )
    conv_forms, agent_forms, author_forms = (
        _sources(conversations),
        _sources(agents),
        _sources(authors),
    )
    for form in conv_forms:
        got = MessageTable.from_columns(
            conversation_id=conv_forms[form],
            sent_at=times,
            author=author_forms[form],
            agent_id=agent_forms.get(form, agents),
            channel=conv_forms[form],
            text=author_forms[form],
        )
        same_table_with(got, want, form)
        assert got.channel_names == tuple(sorted(set(conversations))), form
        assert got.text is not None
        assert got.text.tolist() == [authors[i] for i in got.row.tolist()], form


def same_table_with(got: MessageTable, want: MessageTable, form: str) -> None:
    for name in ("conversation", "sent_at", "author", "agent", "row", "offsets"):
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), (form, name)
    assert got.conversation_ids.tolist() == want.conversation_ids.tolist(), form
    assert got.agent_names == want.agent_names, form


def test_arrow_and_pandas_time_columns_are_instants() -> None:
    instants = [datetime(2024, 5, 6, 10, tzinfo=UTC), datetime(2024, 5, 6, 9, tzinfo=UTC)]
    want = [int(t.timestamp()) * 10**9 for t in reversed(instants)]
    berlin = pd.Series(pd.to_datetime(instants, utc=True)).dt.tz_convert("Europe/Berlin")
    forms = {
        "pandas zoned": berlin,
        "pandas UTC": pd.Series(pd.to_datetime(instants, utc=True)),
        "pyarrow zoned us": pa.array(instants, pa.timestamp("us", tz="Asia/Tokyo")),
        "pyarrow s": pa.array([int(t.timestamp()) for t in instants], pa.timestamp("s", tz="UTC")),
    }
    for form, column in forms.items():
        table = MessageTable.from_columns(
            conversation_id=["c", "c"], sent_at=column, author=["customer", "agent"]
        )
        assert table.sent_at.tolist() == want, form
        assert table.row.tolist() == [1, 0], form


def test_an_arrow_column_with_a_missing_id_names_its_row() -> None:
    with pytest.raises(InvalidDataError) as caught:
        MessageTable.from_columns(
            conversation_id=pa.array(["c1", None, "c2"]),
            sent_at=np.zeros(3, dtype="datetime64[ns]"),
            author=pa.array(["customer"] * 3).dictionary_encode(),
        )
    assert caught.value.column == "conversation_id"
    assert caught.value.row == 1


def test_int_ids_from_arrow_are_int_ids() -> None:
    table = MessageTable.from_columns(
        conversation_id=pa.array([30, 4, 30], pa.int32()),
        sent_at=np.zeros(3, dtype="datetime64[ns]"),
        author=pa.array([0, 1, 1], pa.int8()),
        agent_id=pa.array([None, 12, 3]),
    )
    assert table.conversation_ids.tolist() == [4, 30]
    assert table.agent_names == ("3", "12")
    assert table.author.tolist() == [1, 0, 1]


# --- load_messages -----------------------------------------------------------------------------

_FIELDS = {
    "conversation_id": "ticket",
    "sent_at": "at",
    "author": "who",
    "agent_id": "by",
    "channel": "via",
    "private": "note",
    "tags": "topics",
    "sentiment": "score",
    "message_id": "mid",
    "text": "body",
    "quick_reply": "button",
    "assignee": "owner",
    "resolved_at": "closed",
}

_GOOD: dict[str, st.SearchStrategy[Any]] = {
    "ticket": st.sampled_from(["T1", "T2", "T3"]),
    "who": st.sampled_from(["inbound", "outbound", "customer"]),
    "by": st.sampled_from(["ana", "bo", None]),
    "via": st.sampled_from(["twitter", "email"]),
    "note": st.sampled_from(["no", "yes", "false"]),
    "topics": st.sampled_from(["billing/refund", "billing;shipping", None]),
    "score": st.sampled_from([0.5, -1.0, None]),
    "mid": st.sampled_from([f"m{i}" for i in range(8)]),
    "body": st.sampled_from(["hello", "", "ça"]),
    "button": st.sampled_from(["Track order", None]),
    "owner": st.sampled_from(["ana", "cy", None]),
}

_ODD: dict[str, st.SearchStrategy[Any]] = {
    "ticket": st.sampled_from([" T1 ", "", "   ", None, "t1"]),
    "who": st.sampled_from(["Inbound", " outbound ", "x", "", None]),
    "by": st.sampled_from([" ana", "", "  ", "Ana"]),
    "via": st.sampled_from(["", " email", None]),
    "note": st.sampled_from(["maybe", "1", " TRUE ", None, ""]),
    "topics": st.sampled_from([";", " a / b ;; c ", ""]),
    "score": st.sampled_from([2.0, -1.5, math.inf, math.nan]),
    "mid": st.sampled_from(["m1", " m1", "", None]),
    "body": st.sampled_from([None]),
    "button": st.sampled_from(["", " Track order"]),
    "owner": st.sampled_from(["", " cy"]),
}

_DTYPES = {
    "ticket": ["object", "string", "category"],
    "who": ["object", "string", "category"],
    "by": ["object", "string", "category"],
    "via": ["object", "category"],
    "note": ["object", "string"],
    "topics": ["object", "string"],
    "score": ["float64"],
    "mid": ["object", "string"],
    "body": ["object", "string"],
    "button": ["object", "category"],
    "owner": ["object", "string", "category"],
}


@st.composite
def typed_frames(draw: st.DrawFn) -> Any:
    """A DataFrame of one dtype per column (object, string, category, float), good values with
    odd ones here and there: what an export read by pandas looks like."""
    n = draw(st.integers(min_value=0, max_value=8))
    data: dict[str, Any] = {}
    for column, usual in _GOOD.items():
        odd = draw(st.floats(0, 1))
        values = [
            draw(_ODD[column] if draw(st.floats(0, 1)) < odd / 2 else usual) for _ in range(n)
        ]
        dtype = draw(st.sampled_from(_DTYPES[column]))
        data[column] = pd.Series(values, dtype=dtype if dtype != "float64" else "float64")
    start = datetime(2024, 5, 6, 10, tzinfo=UTC)
    minutes = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    data["at"] = pd.Series([start + timedelta(minutes=m) for m in minutes], dtype=object)
    if draw(st.booleans()):
        data["at"] = pd.to_datetime(data["at"], utc=True)
    closed = draw(st.sampled_from([None, start + timedelta(hours=1), start - timedelta(hours=1)]))
    data["closed"] = pd.Series([closed] * n, dtype=object)
    return pd.DataFrame(data, index=range(n))


_WORDS = {"inbound": "customer", "outbound": "agent"}


@given(frame=typed_frames(), errors=st.sampled_from(["raise", "collect"]))
def test_load_messages_is_the_same_with_whole_columns_and_value_by_value(
    frame: Any, errors: str
) -> None:
    def load() -> Any:
        return outcome(
            lambda: load_messages(frame, columns=_FIELDS, authors=_WORDS, errors=errors)  # type: ignore[arg-type]
        )

    same_outcome(load(), value_by_value(load))


@given(frame=typed_frames())
def test_pyarrow_and_polars_frames_load_as_the_pandas_one(frame: Any) -> None:
    want = outcome(lambda: load_messages(frame, columns=_FIELDS, authors=_WORDS, errors="collect"))
    sources = {"pyarrow": pa.Table.from_pandas(frame, preserve_index=False)}
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        sources["polars"] = pl.from_arrow(sources["pyarrow"])
    for label, source in sources.items():
        got = outcome(
            lambda source=source: load_messages(
                source, columns=_FIELDS, authors=_WORDS, errors="collect"
            )
        )
        if isinstance(want, tuple):
            assert isinstance(got, tuple), label
            continue
        assert [(p.row, p.column) for p in got.problems] == [
            (p.row, p.column) for p in want.problems
        ], label
        same_table(got.table, want.table)
        assert got.table.row.tolist() == want.table.row.tolist(), label


def test_a_polars_frame_is_read_without_converting_it() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "ticket": ["T1", "T1", "T2"],
            "at": [datetime(2024, 5, 6, 10, m, tzinfo=UTC) for m in (0, 5, 7)],
            "who": ["customer", "agent", "customer"],
            "by": [None, "ana", None],
        }
    )
    result = load_messages(
        frame,
        columns={"conversation_id": "ticket", "sent_at": "at", "author": "who", "agent_id": "by"},
    )
    assert result.source == "polars DataFrame"
    assert result.table.conversation_ids.tolist() == ["T1", "T2"]
    assert result.table.agent_names == ("ana",)
    assert result.table.sent_at.tolist()[1] - result.table.sent_at.tolist()[0] == 300 * 10**9


# --- timestamps counted from their digits -------------------------------------------------------


@given(
    instants=st.lists(
        st.datetimes(min_value=datetime(1678, 1, 1), max_value=datetime(2261, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    layout=st.sampled_from(["date", "minutes", "seconds", "fraction"]),
    places=st.integers(min_value=1, max_value=9),
    separator=st.sampled_from(["T", " "]),
    extra=st.integers(min_value=0, max_value=999),
)
def test_timestamps_counted_from_digits_are_numpys(
    instants: list[datetime], layout: str, places: int, separator: str, extra: int
) -> None:
    from socialcare_metrics.io._parse import _iso_ns_by_digits, parse_iso_times_fast

    def written(t: datetime) -> str:
        text = t.strftime(f"%Y-%m-%d{separator}%H:%M:%S")
        if layout == "date":
            return text[:10]
        if layout == "minutes":
            return text[:16]
        if layout == "fraction":
            digits = f"{t.microsecond:06d}{extra:03d}"[:places]
            return f"{text}.{digits}"
        return text

    values = [written(t) for t in instants]
    array = np.array(values, dtype=str)
    codes = array.view(np.uint32).reshape(len(values), -1)
    counted = _iso_ns_by_digits(codes)
    assert counted is not None
    assert counted.tolist() == array.astype("datetime64[ns]").view(np.int64).tolist()
    ns, parsed, naive, _, _ = parse_iso_times_fast(values)
    assert ns.tolist() == counted.tolist()
    assert parsed.all()
    assert naive.all()


@pytest.mark.parametrize(
    "text",
    ["2023-02-29T00:00:00", "2024-05-06T24:00:00", "2024-13-01", "2024-05-06T10:60", "2024-00-10"],
)
def test_timestamps_that_are_no_time_are_left_to_the_careful_reader(text: str) -> None:
    from socialcare_metrics.io._parse import _iso_ns_by_digits, parse_iso_times_fast

    codes = np.array([text], dtype=str).view(np.uint32).reshape(1, -1)
    assert _iso_ns_by_digits(codes) is None
    _, parsed, _, _, _ = parse_iso_times_fast([text, text])
    assert not parsed.any()


# --- CSV files: the Arrow route and the value-by-value route ------------------------------------


@given(
    data=st.data(),
    chunk_size=st.sampled_from([16, 64, 1 << 20]),
    errors=st.sampled_from(["raise", "collect"]),
)
def test_csv_files_load_the_same_through_arrow_and_value_by_value(
    tmp_path_factory: pytest.TempPathFactory, data: Any, chunk_size: int, errors: str
) -> None:
    path = tmp_path_factory.mktemp("routes") / "export.csv"
    path.write_bytes(data.draw(message_files()))

    def load() -> Any:
        return outcome(
            lambda: load_messages(
                path,
                columns=MESSAGE_COLUMNS,
                timezone="Europe/Berlin",
                errors=errors,  # type: ignore[arg-type]
                chunk_size=chunk_size,
            )
        )

    fast, slow = load(), value_by_value(load)
    same_outcome(fast, slow)
    if isinstance(fast, LoadResult):
        accounted_for(fast)


@given(data=st.data(), chunk_size=st.sampled_from([7, 64, 1 << 20]))
def test_twcs_files_load_the_same_through_arrow_and_value_by_value(
    tmp_path_factory: pytest.TempPathFactory, data: Any, chunk_size: int
) -> None:
    from test_fuzz_loaders import accounted_for

    path = tmp_path_factory.mktemp("routes") / "twcs.csv"
    path.write_bytes(data.draw(twcs_files()))

    def load() -> Any:
        return outcome(lambda: load_twcs(path, errors="collect", chunk_size=chunk_size))

    fast, slow = load(), value_by_value(load)
    same_outcome(fast, slow)
    if isinstance(fast, LoadResult):
        accounted_for(fast)
        assert fast.table.text is not None
        assert fast.table.message_id is not None
        assert fast.table.text.tolist() == slow.table.text.tolist()
        assert fast.table.message_id.tolist() == slow.table.message_id.tolist()


# --- time columns of text and datetime64 values -------------------------------------------------


@given(
    moments=st.lists(
        st.datetimes(
            min_value=datetime(1700, 1, 1),
            max_value=datetime(2200, 1, 1),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=-3, minutes=-30))]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_iso_text_with_an_offset_and_datetime64_values_are_the_instants_they_write(
    moments: list[datetime],
) -> None:
    n = len(moments)
    want = MessageTable.from_columns(
        conversation_id=["c"] * n, sent_at=moments, author=["customer"] * n
    )
    texts = [m.isoformat() for m in moments]
    scalars = [np.datetime64(m.astimezone(UTC).replace(tzinfo=None), "us") for m in moments]
    for column in (texts, scalars):
        got = MessageTable.from_columns(
            conversation_id=["c"] * n, sent_at=column, author=["customer"] * n
        )
        assert got.sent_at.tolist() == want.sent_at.tolist()
        assert got.row.tolist() == want.row.tolist()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-06T10:00:00", "UTC offset"),
        ("yesterday", "ISO 8601"),
        (np.datetime64("3000-01-01"), "1677-09-21"),
    ],
)
def test_a_time_value_that_is_no_instant_names_its_row(value: Any, expected: str) -> None:
    with pytest.raises(InvalidDataError, match=expected) as caught:
        MessageTable.from_columns(
            conversation_id=["c", "c"],
            sent_at=[datetime(2024, 5, 6, tzinfo=UTC), value],
            author=["customer", "agent"],
        )
    assert caught.value.row == 1
    assert caught.value.column == "sent_at"


@given(
    moments=st.lists(
        st.datetimes(min_value=datetime(1678, 1, 2), max_value=datetime(2261, 12, 30)),
        min_size=1,
        max_size=12,
    ),
    ending=st.sampled_from(["Z", "+05:30", "-08:00", ""]),
    layout=st.sampled_from(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f"]),
    large=st.booleans(),
)
def test_timestamps_read_from_an_arrow_column_s_bytes_are_the_careful_reading(
    moments: list[datetime], ending: str, layout: str, large: bool
) -> None:
    from socialcare_metrics.io._parse import parse_iso_arrow, parse_iso_times_fast

    texts = [m.strftime(layout) + ending for m in moments]
    column = pa.chunked_array([pa.array(texts, pa.large_string() if large else pa.string())])
    counted = parse_iso_arrow(column)
    assert counted is not None
    careful = parse_iso_times_fast(texts)
    for mine, theirs in zip(counted, careful, strict=True):
        assert mine.tolist() == theirs.tolist()


@pytest.mark.parametrize(
    "texts",
    [
        ["2024-05-06T10:00:00Z", "2024-05-06T10:00:00+01:00"],  # endings differ
        ["2024-05-06T10:00:00Z", "2024-05-06T10:00Z"],  # lengths differ
        ["2024-02-30T10:00:00Z"],  # no such day
        ["1677-09-21T00:12:44Z"],  # near the end of the range
        ["2024-05-06T10:00:00Z", None],  # a missing value
    ],
)
def test_columns_the_bytes_do_not_settle_are_left_to_the_careful_reader(
    texts: list[str | None],
) -> None:
    from socialcare_metrics.io._parse import parse_iso_arrow

    assert parse_iso_arrow(pa.chunked_array([pa.array(texts, pa.string())])) is None


# --- message ids told unique by their hashes ------------------------------------------------------


def _string_views_cast() -> bool:
    """Whether this pyarrow casts string views to strings (18 and later)."""
    try:
        pa.array(["x"], pa.string_view()).cast(pa.large_string())
    except (AttributeError, pa.ArrowNotImplementedError):
        return False
    return True


_ID_CHARS = st.sampled_from(["1", "2", "a", "é", "😡", " ", "\x00"])


@given(
    pairs=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.text(_ID_CHARS, min_size=0, max_size=20)
            | st.text(_ID_CHARS, min_size=60, max_size=70),
        ),
        max_size=40,
    ),
    kind=st.sampled_from(["string", "large_string", "string_view"]),
    cut=st.integers(0, 3),
    pieces=st.integers(1, 3),
)
def test_ids_told_unique_by_hashes_are_unique(
    pairs: list[tuple[int, str]], kind: str, cut: int, pieces: int
) -> None:
    # Ids of any bytes (NUL and multi-byte characters too), around the 8-byte words the hash
    # reads and past the widest it reads, in Arrow arrays cut into chunks and sliced: the
    # hashes say "unique" exactly when no (group, id) pair repeats and none is empty (two
    # distinct pairs whose 64-bit hashes collide would be sent to the exact check too).
    groups = np.array([g for g, _ in pairs], dtype=np.int64)
    ids = [i for _, i in pairs]
    if kind == "string_view" and not _string_views_cast():
        kind = "large_string"
    whole = pa.array(["x"] * cut + ids, getattr(pa, kind)())[cut:]
    bounds = sorted({0, len(ids), *(len(ids) * k // pieces for k in range(pieces))})
    column = pa.chunked_array(
        [whole[a:b] for a, b in itertools.pairwise(bounds)],
        type=whole.type,
    )
    repeats = len(set(pairs)) != len(pairs)
    readable = all(0 < len(i.encode()) <= 64 for i in ids)
    assert encode_module.unique_in_groups(groups, column) == (readable and not repeats)


@given(
    uniques=st.permutations(["a", "b", "c", "d", None, "a"]).flatmap(
        lambda values: st.integers(0, 6).map(lambda k: values[:k])
    ),
    picks=st.lists(st.integers(-1, 5), max_size=12),
)
@example(uniques=["a", "b", "c"], picks=[0, 2, 1])  # a code before the one below it
@example(uniques=["a", "b", "c"], picks=[0, 1, -1, 1])  # one unused
@example(uniques=["a", "b", "a"], picks=[0, 1, 2])  # a value twice
def test_dictionary_codes_are_renumbered_in_order_of_first_appearance(
    uniques: list[str | None], picks: list[int]
) -> None:
    # A dictionary array's codes, whatever order its dictionary is in (values twice, unused,
    # None among them), give the codes a walk over the values gives.
    picks = [p if p < len(uniques) else p % (len(uniques) or 1) - (not uniques) for p in picks]
    codes = np.array(picks, dtype=np.int64)
    encoded = encode_module._first_appearance(codes, list(uniques))
    seen: dict[str, int] = {}
    expected = []
    for code in codes.tolist():
        value = None if code < 0 else uniques[code]
        expected.append(-1 if value is None else seen.setdefault(value, len(seen)))
    assert encoded.codes.tolist() == expected
    assert encoded.uniques == list(seen)


def test_chunks_without_rows_do_not_decide_a_columns_type() -> None:
    # A block that ends up with no rows may be read either way (value by value gives empty
    # object arrays): the column is the type of the chunks that hold rows.
    from socialcare_metrics.io.tabular import _concat

    empty = np.zeros(0, dtype=object)
    codes = np.array([1, 0], dtype=np.int8)
    assert _concat([empty, codes, empty]).dtype == np.int8
    ids = pa.DictionaryArray.from_arrays(pa.array([0, 0], pa.int32()), pa.array(["c1"]))
    joined = _concat([empty, ids])
    assert isinstance(joined, pa.DictionaryArray)
    assert joined.to_pylist() == ["c1", "c1"]
    assert _concat([empty, empty]).shape == (0,)


@given(
    dictionary=st.lists(st.sampled_from(["c1", "c2", "c3", "", "é" * 40]), min_size=1, max_size=5),
    picks=st.lists(st.integers(0, 4), min_size=1, max_size=8),
)
@example(dictionary=["c1", "c1"], picks=[0, 1])  # a value twice, in the order of appearance
@example(dictionary=["é" * 40, "é" * 40], picks=[0, 1])  # too long to hash
def test_dictionary_ids_load_as_their_values_do(dictionary: list[str], picks: list[int]) -> None:
    # Dictionaries as other tools write them: values repeated, unused, out of order, empty,
    # longer than the 64 bytes the hash reads: the ids are the values, numbered as they come.
    picks = [p % len(dictionary) for p in picks]
    column = pa.DictionaryArray.from_arrays(pa.array(picks, pa.int32()), pa.array(dictionary))
    values = [dictionary[p] for p in picks]
    times = [datetime(2024, 5, 6, tzinfo=UTC) + timedelta(minutes=i) for i in range(len(picks))]

    def table(ids: Any) -> Any:
        return outcome(
            lambda: MessageTable.from_columns(
                conversation_id=ids, sent_at=times, author=["customer"] * len(picks)
            )
        )

    same_outcome(table(column), table(values))


@given(ids=st.lists(st.text(max_size=30), max_size=12, unique=True), cut=st.integers(0, 12))
def test_id_fingerprints_are_the_same_with_and_without_arrow(ids: list[str], cut: int) -> None:
    # Any text (empty, multi-byte, past the 8-byte words): the numpy and Python arithmetic
    # agree, any order gives the same fingerprint, and two slices' XOR is the whole's.
    values = np.array(ids, dtype=object)
    fingerprint = encode_module.id_fingerprint(values)
    with mock.patch.object(encode_module, "_PYARROW", [None]):
        assert encode_module.id_fingerprint(values) == fingerprint
    assert encode_module.id_fingerprint(values[::-1]) == fingerprint
    head, tail = values[:cut], values[cut:]
    assert encode_module.id_fingerprint(head) ^ encode_module.id_fingerprint(tail) == fingerprint
    if len(ids) == 1:
        assert fingerprint == encode_module._id_hash(ids[0].encode())
