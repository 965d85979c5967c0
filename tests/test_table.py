"""The columnar table: built from records or from columns, the same either way."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    first_reply_time,
    reply_wait_time,
)
from socialcare_metrics._core.time import NAT, datetime_to_ns, ns_to_datetime
from socialcare_metrics.testing import conversation_lists

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def columns_of(convs: list[Conversation]) -> dict[str, list[object]]:
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "conversation_id",
            "message_id",
            "sent_at",
            "author",
            "agent_id",
            "channel",
            "private",
            "assignee",
            "resolved_at",
        )
    }
    for c in convs:
        for m in c.messages:
            cols["conversation_id"].append(c.id)
            cols["message_id"].append(m.id)
            cols["sent_at"].append(m.sent_at)
            cols["author"].append(m.author.value)
            cols["agent_id"].append(m.agent_id)
            cols["channel"].append(m.channel or c.channel)
            cols["private"].append(m.private)
            cols["assignee"].append(c.assignee)
            cols["resolved_at"].append(c.resolved_at)
    return cols


@given(conversation_lists(), st.randoms(use_true_random=False))
def test_from_columns_in_any_row_order_equals_from_conversations(
    convs: list[Conversation], rnd: random.Random
) -> None:
    cols = columns_of(convs)
    n = len(cols["sent_at"])
    # Interleave the conversations' rows at random, keeping each conversation's own row order
    # (equal timestamps inside a conversation must stay in their given order).
    blocks: dict[object, list[int]] = {}
    for i, cid in enumerate(cols["conversation_id"]):
        blocks.setdefault(cid, []).append(i)
    labels = [cid for cid, rows in blocks.items() for _ in rows]
    rnd.shuffle(labels)
    cursors = {k: iter(v) for k, v in blocks.items()}
    interleaved = [next(cursors[cid]) for cid in labels]
    assert sorted(interleaved) == list(range(n))
    shuffled = {k: [v[i] for i in interleaved] for k, v in cols.items()}
    from_cols = MessageTable.from_columns(**shuffled)  # type: ignore[arg-type]
    # A conversation without messages has no row to stand on in columns.
    from_recs = MessageTable.from_conversations([c for c in convs if c.messages])
    assert len(from_cols) == len(from_recs) == n
    assert from_cols.n_conversations == from_recs.n_conversations
    for metric in (first_reply_time, reply_wait_time):
        a, b = metric(from_cols), metric(from_recs)
        assert a.to_dict() == b.to_dict()
        assert {k: v.count for k, v in a.by("agent").items()} == {
            k: v.count for k, v in b.by("agent").items()
        }
        assert {k: v.count for k, v in a.by("channel").items()} == {
            k: v.count for k, v in b.by("channel").items()
        }
    # Rows keep a pointer to their input position.
    assert sorted(from_cols.row.tolist()) == list(range(n))
    assert from_cols.message_id is not None
    for r in range(n):
        original = from_cols.row[r]
        assert from_cols.message_id[r] == shuffled["message_id"][original]


def test_from_columns_with_arrays_and_codes() -> None:
    sent = np.array(
        ["2024-05-06T10:00", "2024-05-06T10:05", "2024-05-06T10:06", "2024-05-06T10:16"],
        dtype="datetime64[ns]",
    )
    table = MessageTable.from_columns(
        conversation_id=np.array([7, 7, 7, 7]),
        sent_at=sent,
        author=np.array([0, 1, 0, 1], dtype=np.int8),
        agent_id=np.array([-1, 3, -1, 3]),
        channel=np.array(["twitter"] * 4),
    )
    assert table.agent_names == ("3",)
    assert table.channel_names == ("twitter",)
    result = reply_wait_time(table)
    assert str(result) == "7 min"
    assert list(result.by("agent")) == ["3"]
    assert table.conversation_label(0) == "7"
    # int64 epoch nanoseconds are accepted as they are.
    same = MessageTable.from_columns(
        conversation_id=["a"] * 4, sent_at=sent.view(np.int64), author=["customer", "agent"] * 2
    )
    assert reply_wait_time(same).mean == timedelta(minutes=7, seconds=30)


def test_table_is_read_only() -> None:
    table = MessageTable.from_columns(conversation_id=["a"], sent_at=[T0], author=["customer"])
    with pytest.raises(AttributeError):
        table.sent_at = np.zeros(1, dtype=np.int64)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        table.sent_at[0] = 0
    assert "1 message in 1 conversation, 0 agents" in repr(table)


def test_resolved_at_and_assignee_per_conversation() -> None:
    table = MessageTable.from_columns(
        conversation_id=["a", "a", "b"],
        sent_at=[T0, T0 + timedelta(minutes=1), T0],
        author=["customer", "agent", "customer"],
        assignee=[None, "ana", "bo"],
        resolved_at=[None, T0 + timedelta(hours=1), None],
    )
    assert [table.agent_names[c] for c in table.assignee] == ["ana", "bo"]
    assert table.resolved_at[0] == datetime_to_ns(T0 + timedelta(hours=1))
    assert table.resolved_at[1] == NAT


@pytest.mark.parametrize("ids", [["a", "a", "b"], np.array([3, 3, 7])])
@pytest.mark.parametrize("repeated", [True, False])
def test_per_conversation_columns_in_every_layout(ids: Any, repeated: bool) -> None:
    # A conversation's own fields come repeated on each of its rows, or on some rows only; with
    # string or sorted integer ids. Either way the latest value given is the conversation's.
    late = T0 + timedelta(hours=1)
    assignee = ["ana", "ana", "bo"] if repeated else ["ana", None, None]
    resolved = [late, late, None] if repeated else [None, late, None]
    table = MessageTable.from_columns(
        conversation_id=ids,
        sent_at=[T0, T0 + timedelta(minutes=1), T0],
        author=["customer", "agent", "customer"],
        assignee=assignee,
        resolved_at=resolved,
    )
    names = [None if c < 0 else table.agent_names[c] for c in table.assignee]
    assert names == (["ana", "bo"] if repeated else ["ana", None])
    assert table.resolved_at.tolist() == [datetime_to_ns(late), NAT]


@pytest.mark.parametrize("repeated", [True, False])
def test_a_resolution_before_the_first_message_is_refused(repeated: bool) -> None:
    early = T0 - timedelta(hours=1)
    with pytest.raises(InvalidDataError, match=r"'resolved_at'.*first message of conversation"):
        MessageTable.from_columns(
            conversation_id=np.array([1, 1]) if repeated else ["a", "a"],
            sent_at=[T0, T0 + timedelta(minutes=1)],
            author=["customer", "agent"],
            resolved_at=[early, early] if repeated else [None, early],
        )


def test_ns_conversions_are_exact() -> None:
    t = datetime(2024, 5, 6, 10, 0, 0, 123456, tzinfo=UTC)
    assert ns_to_datetime(datetime_to_ns(t)) == t
    assert datetime_to_ns(datetime(1970, 1, 1, tzinfo=UTC)) == 0


@pytest.mark.parametrize(
    ("columns", "column", "row", "fragment"),
    [
        ({"sent_at": [T0, datetime(2024, 1, 1)]}, "sent_at", 1, "naive"),
        ({"sent_at": [T0, None]}, "sent_at", 1, "a timestamp"),
        ({"sent_at": [T0, "yesterday"]}, "sent_at", 1, "ISO 8601"),
        ({"author": ["customer", "robot"]}, "author", 1, "'customer', 'agent', 'bot'"),
        ({"author": np.array([0, 5])}, "author", 1, "0, 1 or 2"),
        ({"author": ["customer"]}, "author", None, "2 values"),
        ({"conversation_id": ["a", ""]}, "conversation_id", 1, "non-empty"),
        ({"message_id": ["m", "m"]}, "message_id", 1, "once per conversation"),
        ({"message_id": ["m", None]}, "message_id", 1, "non-empty"),
        ({"sentiment": [0.5, 3.0]}, "sentiment", 1, "[-1, 1]"),
        ({"private": [False, "yes"]}, "private", 1, "a bool"),
        ({"channel": ["twitter", 3.5]}, "channel", 1, "a str"),
        ({"resolved_at": [T0 - timedelta(days=1), None]}, "resolved_at", None, "first message"),
        # Times outside int64 nanoseconds, however they are given.
        ({"sent_at": [T0, datetime(1600, 1, 1, tzinfo=UTC)]}, "sent_at", 1, "1677-09-21"),
        (
            {"sent_at": np.array(["2024-05-06", "1600-01-01"], dtype="datetime64[s]")},
            "sent_at",
            1,
            "2262-04-11",
        ),
        (
            {"sent_at": np.array(["2024-05-06", "3000-01-01"], dtype="datetime64[D]")},
            "sent_at",
            1,
            "2262-04-11",
        ),
        (
            {"sent_at": np.array(["2024-05", "1677-09"], dtype="datetime64[M]")},
            "sent_at",
            1,
            "1677-09-21",
        ),
        ({"sent_at": np.array([0, 2**64 - 1], dtype=np.uint64)}, "sent_at", 1, "fit in int64"),
        ({"actioned_at": [None, datetime(3000, 1, 1, tzinfo=UTC)]}, "actioned_at", 1, "2262"),
        ({"resolved_at": [datetime(3000, 1, 1, tzinfo=UTC)] * 2}, "resolved_at", 0, "2262"),
        # Values of the wrong type, found by the column's own check, not by numpy or Python.
        ({"sentiment": np.array(["0.5", "x"])}, "sentiment", 0, "[-1, 1]"),
        ({"sentiment": [0.5, 10**400]}, "sentiment", 1, "[-1, 1]"),
        ({"sentiment": [0.5, True]}, "sentiment", 1, "[-1, 1]"),
        ({"sentiment": np.array([0.5, 1j])}, "sentiment", 0, "[-1, 1]"),
        ({"tags": [["a"], 7]}, "tags", 1, "non-empty str"),
        ({"tags": [["a"], [7]]}, "tags", 1, "non-empty str"),
        ({"text": ["hi", 7]}, "text", 1, "a str"),
        ({"conversation_id": [["a"], ["a"]]}, "conversation_id", 0, "a non-empty str or an int"),
        ({"conversation_id": [True, True]}, "conversation_id", 0, "a non-empty str or an int"),
        ({"conversation_id": np.array([True, True])}, "conversation_id", 0, "an int"),
        ({"conversation_id": np.array([1.0, 1.0])}, "conversation_id", 0, "an int"),
        (
            {"conversation_id": np.array([0, 0], dtype="datetime64[ns]")},
            "conversation_id",
            0,
            "an int",
        ),
        ({"message_id": [["m"], ["n"]]}, "message_id", 0, "hashable"),
        ({"agent_id": [None, ["ana"]]}, "agent_id", 1, "a str, an int or None"),
        ({"channel": [{"x": 1}, "twitter"]}, "channel", 0, "a str, an int or None"),
        ({"quick_reply": [None, {"yes"}]}, "quick_reply", 1, "a str, an int or None"),
        # Not a column: a str, a scalar, a mapping, an array of another shape.
        ({"conversation_id": "ab"}, "conversation_id", None, "a column"),
        ({"conversation_id": 5}, "conversation_id", None, "a column"),
        ({"author": {"customer": 1, "agent": 2}}, "author", None, "a column"),
        ({"sent_at": T0}, "sent_at", None, "a column"),
        ({"conversation_id": np.array([["a", "a"]])}, "conversation_id", None, "shape (1, 2)"),
        ({"sentiment": np.array(0.5)}, "sentiment", None, "shape ()"),
        ({"text": (t for t in ["only one"])}, "text", None, "2 values"),
    ],
)
def test_bad_columns_name_column_and_row(
    columns: dict[str, object], column: str, row: int | None, fragment: str
) -> None:
    base: dict[str, object] = {
        "conversation_id": ["a", "a"],
        "sent_at": [T0, T0 + timedelta(minutes=1)],
        "author": ["customer", "agent"],
    }
    base.update(columns)
    with pytest.raises(InvalidDataError) as info:
        MessageTable.from_columns(**base)  # type: ignore[arg-type]
    assert info.value.column == column
    assert info.value.row == row
    assert fragment in str(info.value)


def test_duplicate_message_id_in_other_conversation_is_fine() -> None:
    table = MessageTable.from_columns(
        conversation_id=["a", "b"],
        sent_at=[T0, T0],
        author=["customer", "customer"],
        message_id=["m1", "m1"],
    )
    assert table.n_conversations == 2


def test_from_conversations_rejects_repeated_ids_and_non_records() -> None:
    conv = Conversation("c", [Message("m", T0, "customer")])
    with pytest.raises(InvalidParameterError, match=r"conversations\[1\]\.id"):
        MessageTable.from_conversations([conv, conv])
    with pytest.raises(InvalidParameterError, match=r"conversations\[0\]"):
        MessageTable.from_conversations(["c"])  # type: ignore[list-item]


def test_lists_of_ints_read_like_integer_arrays() -> None:
    from_list = MessageTable.from_columns(
        conversation_id=[1, 1], sent_at=[T0, T0], author=[0, 1], agent_id=[-1, 0]
    )
    from_array = MessageTable.from_columns(
        conversation_id=np.array([1, 1]),
        sent_at=[T0, T0],
        author=np.array([0, 1]),
        agent_id=np.array([-1, 0]),
    )
    assert from_list.agent_names == from_array.agent_names == ("0",)
    assert from_list.author.tolist() == from_array.author.tolist() == [0, 1]


def test_callers_arrays_stay_writeable() -> None:
    sent = np.array([0, 60_000_000_000], dtype=np.int64)
    private = np.array([False, True])
    table = MessageTable.from_columns(
        conversation_id=["a", "a"], sent_at=sent, author=["customer", "agent"], private=private
    )
    assert sent.flags.writeable
    assert private.flags.writeable
    sent[0] = 5  # the caller may reuse their arrays; the table keeps its own values
    assert table.sent_at[0] == 0


@pytest.mark.parametrize("unit", ["Y", "M", "W", "D", "s", "ms", "us", "ns"])
def test_datetime64_in_any_unit_reads_as_the_same_instants(unit: str) -> None:
    # The first and last value of each unit that int64 nanoseconds hold.
    first = {"Y": "1678", "M": "1677-10", "W": "1677-09-23"}.get(unit, "1677-09-22")
    last = {"Y": "2262", "M": "2262-04", "W": "2262-04-06"}.get(unit, "2262-04-11")
    sent = np.array([first, "2024-05-06", last], dtype=f"datetime64[{unit}]")
    resolved = np.array(["NaT", "NaT", last], dtype=f"datetime64[{unit}]")
    table = MessageTable.from_columns(
        conversation_id=["a", "b", "b"], sent_at=sent, author=[0, 0, 1], resolved_at=resolved
    )
    assert table.sent_at.tolist() == sent.astype("datetime64[ns]").view(np.int64).tolist()
    assert table.resolved_at.tolist() == [NAT, int(table.sent_at[2])]


@pytest.mark.parametrize(
    ("columns", "column", "row", "fragment"),
    [
        # 7 and "7" would be two agents named "7": one kind of id per column...
        ({"agent_id": [7, "7"]}, "agent_id", 1, "an int id like 7 (row 0)"),
        ({"agent_id": ["ana", 7]}, "agent_id", 1, "a str id like 'ana' (row 0)"),
        # ... and across agent_id and assignee, which share one code space.
        (
            {"agent_id": np.array([-1, 7]), "assignee": ["7", "7"]},
            "assignee",
            0,
            "an int id like 7 ('agent_id', row 1)",
        ),
        ({"assignee": [7, "bo"]}, "assignee", 1, "mixed"),
        ({"channel": ["twitter", 3]}, "channel", 1, "mixed"),
        # 1 and "1" would be two conversations labelled "1".
        ({"conversation_id": [1, "1"]}, "conversation_id", 1, "an int id like 1 (row 0)"),
        ({"conversation_id": ["1", 1]}, "conversation_id", 1, "a str id like '1' (row 0)"),
    ],
)
def test_str_and_int_ids_are_not_mixed(
    columns: dict[str, object], column: str, row: int, fragment: str
) -> None:
    base: dict[str, object] = {
        "conversation_id": ["a", "a"],
        "sent_at": [T0, T0 + timedelta(minutes=1)],
        "author": ["customer", "agent"],
    }
    base.update(columns)
    with pytest.raises(InvalidDataError) as info:
        MessageTable.from_columns(**base)  # type: ignore[arg-type]
    assert (info.value.column, info.value.row) == (column, row)
    assert fragment in str(info.value)
    assert "str and int ids are not mixed" in str(info.value)


def test_a_negative_int_is_no_agent_in_any_column() -> None:
    # -1 beside string names is "none", as it is in an integer column: never an agent "-1".
    table = MessageTable.from_columns(
        conversation_id=["a", "a", "b"],
        sent_at=[T0, T0 + timedelta(minutes=1), T0],
        author=["customer", "agent", "customer"],
        agent_id=[-1, "ana", None],
        assignee=["bo", "bo", -1],
    )
    assert table.agent_names == ("ana", "bo")
    assert table.agent.tolist() == [-1, 0, -1]
    assert table.assignee.tolist() == [1, -1]
    ints = MessageTable.from_columns(
        conversation_id=["a", "a"],
        sent_at=[T0, T0 + timedelta(minutes=1)],
        author=["customer", "agent"],
        agent_id=[None, np.int64(7)],
        assignee=np.array([-1, 10]),
    )
    # int ids sort as numbers, on every path
    assert ints.agent_names == ("7", "10")
    assert list(reply_wait_time(ints).by("agent")) == ["7"]


def test_int_ids_beyond_int64_and_numpy_ints_keep_their_values() -> None:
    sent = [T0, T0 + timedelta(minutes=1), T0]
    big = [2**63 + 5, 2**63 + 5, 2**64 - 1]
    for ids in (np.array(big, dtype=np.uint64), big):
        table = MessageTable.from_columns(
            conversation_id=ids, sent_at=sent, author=["customer", "agent", "customer"]
        )
        labels = [table.conversation_label(i) for i in range(table.n_conversations)]
        assert labels == [str(2**63 + 5), str(2**64 - 1)]
    agents = MessageTable.from_columns(
        conversation_id=np.array([1, 1, 2], dtype=object).astype(object),
        sent_at=sent,
        author=["customer", "agent", "customer"],
        agent_id=np.array([0, 2**64 - 1, 0], dtype=np.uint64),
    )
    assert agents.agent_names == ("0", str(2**64 - 1))
    assert [agents.conversation_label(i) for i in range(2)] == ["1", "2"]


def test_any_iterable_is_a_column() -> None:
    sent = [T0, T0 + timedelta(minutes=1)]
    from_generators = MessageTable.from_columns(
        conversation_id=(c for c in ["a", "a"]),
        sent_at=iter(sent),
        author=(a for a in ["customer", "agent"]),
        agent_id=(a for a in [None, "ana"]),
        text=(t for t in ["hi", None]),
        tags=(t for t in ["billing", float("nan")]),
    )
    from_lists = MessageTable.from_columns(
        conversation_id=["a", "a"],
        sent_at=sent,
        author=["customer", "agent"],
        agent_id=[None, "ana"],
    )
    assert from_generators.agent.tolist() == from_lists.agent.tolist()
    assert from_generators.sent_at.tolist() == from_lists.sent_at.tolist()
    assert from_generators.text is not None
    assert from_generators.text.tolist() == ["hi", ""]
    assert from_generators.tags is not None
    assert from_generators.tags.tolist() == [("billing",), ()]


def test_pandas_missing_values_are_none() -> None:
    pd = pytest.importorskip("pandas")
    table = MessageTable.from_columns(
        conversation_id=pd.Series(["a", "a"]),
        sent_at=pd.Series(pd.to_datetime(["2024-05-06 10:00", "2024-05-06 10:05"], utc=True)),
        author=pd.Series(["customer", "agent"], dtype="category"),
        agent_id=pd.array([None, 7], dtype="Int64"),
        sentiment=pd.array([0.5, None], dtype="Float64"),
        text=pd.array(["hi", None], dtype="string"),
        resolved_at=pd.Series([pd.NaT, pd.NaT]),
    )
    assert table.agent_names == ("7",)
    assert table.agent.tolist() == [-1, 0]
    assert table.sentiment is not None
    assert table.sentiment[0] == 0.5
    assert np.isnan(table.sentiment[1])
    assert table.text is not None
    assert table.text.tolist() == ["hi", ""]
    assert table.resolved_at.tolist() == [NAT]
    with pytest.raises(InvalidDataError, match=r"'sent_at', row 1: expected a timestamp"):
        MessageTable.from_columns(
            conversation_id=["a", "a"], sent_at=[T0, pd.NaT], author=["customer", "agent"]
        )
