"""Operations on whole tables: select, concat, to_pandas, to_arrow, describe.

Laws checked with hypothesis: selecting conversations by id gives every message metric the answer
the same conversations give as records; a window selects exactly the conversations whose first
public customer message lies in it (a reference written over the records), and resolution
metrics agree with their own ``start=``/``end=``; a table split with ``select`` and joined again
with ``concat`` gives every message metric in the registry the answer the whole table gives;
``concat([t])`` is ``t``; ``load_messages(t.to_pandas())`` (and ``to_arrow()``) is ``t``.
Worked examples pin the errors, the filling of missing columns and the summary.
"""

from __future__ import annotations

import json
import pickle
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcare_metrics import (
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    Segment,
    TableSummary,
    first_reply_time,
    load_messages,
    reply_wait_time,
    resolution_rate,
    resolution_time,
    voice_of_customer,
)
from socialcare_metrics._core.time import NAT, datetime_to_ns
from socialcare_metrics.io import FIELDS
from socialcare_metrics.metrics import REGISTRY, Metric
from socialcare_metrics.testing import aware_datetimes, conversation_lists
from test_common import (
    CAP,
    METRICS,
    assert_identical,
    assert_plain,
    call,
    draw_options,
    inputs,
    snapshot,
)

T0 = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)

#: The metrics that take a MessageTable: the laws of select and concat are about them.
MESSAGE_METRICS = [m for m in METRICS if m.input == "messages"]
over_message_metrics = pytest.mark.parametrize(
    "metric", MESSAGE_METRICS, ids=[m.name for m in MESSAGE_METRICS]
)

#: The columns of a table (its slots but the derived-data cache and the weakref slot).
COLUMNS = [name for name in MessageTable.__slots__ if not name.startswith("_")]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def assert_column_equal(name: str, first: Any, second: Any) -> None:
    """Equal values of one kind: the same dtype, the same items (NaN equal to NaN)."""
    if first is None or second is None:
        assert (first, second) == (None, None), name
        return
    if isinstance(first, tuple):
        assert first == second, name
        return
    assert first.dtype == second.dtype, (name, first.dtype, second.dtype)
    assert first.shape == second.shape, name
    if first.dtype.kind == "f":
        assert np.array_equal(first, second, equal_nan=True), name
    else:
        assert first.tolist() == second.tolist(), name


def assert_tables_equal(first: MessageTable, second: MessageTable, *, but: tuple[str, ...] = ()):
    for name in COLUMNS:
        if name not in but:
            assert_column_equal(name, getattr(first, name), getattr(second, name))


@st.composite
def tables_and_parts(draw: st.DrawFn, metric: Metric | None = None) -> Any:
    """Records (for ``metric``, or any), their table, and each conversation's part (0..3)."""
    records = draw(inputs(metric) if metric is not None else conversation_lists(max_size=6))
    parts = draw(st.lists(st.integers(0, 3), min_size=len(records), max_size=len(records)))
    return records, MessageTable.from_conversations(records), parts


# --- select ---------------------------------------------------------------------------------------


def small_table() -> MessageTable:
    """Three conversations: c1 opened at 10:00, c2 at 11:00 (after a brand post at 9:00), and c3
    with no public customer message (a brand post, and a customer's private note)."""
    return MessageTable.from_conversations(
        [
            Conversation(
                "c1",
                [Message("m1", at(60), "customer"), Message("m2", at(65), "agent", agent_id="bo")],
                channel="twitter",
                assignee="bo",
                resolved_at=at(70),
            ),
            Conversation(
                "c2",
                [
                    Message("m1", at(0), "agent", agent_id="ana"),
                    Message("m2", at(120), "customer", text="hello", tags="billing"),
                    Message("m3", at(130), "agent", agent_id="ana", private=True),
                ],
                channel="facebook",
                assignee="ana",
            ),
            Conversation(
                "c3",
                [
                    Message("m1", at(90), "agent", agent_id="chen"),
                    Message("m2", at(95), "customer", private=True),
                ],
                channel="twitter",
            ),
        ]
    )


def test_select_by_id_keeps_the_tables_order_every_column_and_the_names() -> None:
    table = small_table()
    chosen = table.select(["c3", "c1"])
    assert chosen.conversation_ids.tolist() == ["c1", "c3"]
    assert chosen.offsets.tolist() == [0, 2, 4]
    assert chosen.conversation.tolist() == [0, 0, 1, 1]
    assert chosen.row.tolist() == [0, 1, 5, 6]  # the rows they had in the input
    assert chosen.agent_names == table.agent_names == ("ana", "bo", "chen")
    assert [chosen.agent_names[a] for a in chosen.assignee if a >= 0] == ["bo"]
    assert chosen.text is not None
    assert chosen.text.tolist() == ["", "", "", ""]
    assert chosen.resolved_at.tolist() == [datetime_to_ns(at(70)), NAT]
    # Grouped by agent, only the agents of the kept conversations show.
    replies = reply_wait_time(chosen)
    assert list(replies.by("agent")) == ["bo"]
    assert chosen is not table
    assert_tables_equal(table.select(["c1", "c2", "c3"]), table)
    assert_tables_equal(table.select(), table)
    assert len(table.select([])) == 0
    assert table.select(set()).n_conversations == 0


def test_select_ids_come_in_any_iterable_and_repeats_do_not_matter() -> None:
    table = small_table()
    for ids in (("c2",), {"c2"}, iter(["c2", "c2"]), np.array(["c2"]), (c for c in ["c2"])):
        assert table.select(ids).conversation_ids.tolist() == ["c2"]


def test_select_refuses_unknown_ids_naming_the_first_few() -> None:
    table = small_table()
    with pytest.raises(InvalidParameterError) as caught:
        table.select(["c1", "x1", "x2", "x3", "x4", "x2"])
    message = str(caught.value)
    assert message.startswith("MessageTable.select(): 'conversations' must be ids of the table's")
    assert "(4 of the ids given are not in it)" in message
    assert "['x1', 'x2', 'x3']" in message
    assert "x4" not in message
    with pytest.raises(InvalidParameterError, match=r"1 of the ids given is not in it\) \(got 'c'"):
        table.select(["c"])


@pytest.mark.parametrize(
    "bad", ["c1", b"c1", 7, 2.5, {"c1": 1}, MessageTable.from_conversations([])]
)
def test_select_refuses_what_is_not_an_iterable_of_ids(bad: Any) -> None:
    with pytest.raises(InvalidParameterError, match=r"'conversations' must be an iterable"):
        small_table().select(bad)


def test_select_matches_ids_of_the_tables_own_kind() -> None:
    sent = np.array(["2024-05-06T10:00", "2024-05-06T10:05"], dtype="datetime64[ns]")
    ints = MessageTable.from_columns(conversation_id=[17, 42], sent_at=sent, author=[0, 0])
    assert ints.select([np.int64(42)]).conversation_ids.tolist() == [42]
    assert ints.select(np.array([17])).conversation_ids.tolist() == [17]
    with pytest.raises(InvalidParameterError, match=r"an int id, as the table's conversation ids"):
        ints.select(["42"])
    with pytest.raises(InvalidParameterError, match=r"\(like 17\)"):
        ints.select([True])
    with pytest.raises(InvalidParameterError, match=r"a str id, as the table's .* \(like 'c1'\)"):
        small_table().select([1])
    with pytest.raises(InvalidParameterError, match=r"a str id"):
        small_table().select([("c1",)])
    with pytest.raises(InvalidParameterError, match=r"\(got 99 that is a int\)"):
        ints.select([99])


def test_select_window_is_the_first_public_customer_message() -> None:
    table = small_table()

    def chosen(**window: Any) -> list[str]:
        return table.select(**window).conversation_ids.tolist()

    assert chosen(start=at(60)) == ["c1", "c2"]  # at start is in; c3 is in no window
    assert chosen(start=at(60.001)) == ["c2"]
    assert chosen(end=at(120)) == ["c1"]  # at end is out
    assert chosen(end=at(120.001)) == ["c1", "c2"]
    # c2 has a message at 9:00, before the window: it opened when the customer wrote.
    assert chosen(start=at(100), end=at(200)) == ["c2"]
    assert chosen(start=at(0), end=at(30)) == []
    assert chosen(start=datetime(1700, 1, 1, tzinfo=UTC)) == ["c1", "c2"]
    # Ids and a window: both hold.
    assert table.select(["c1", "c3"], start=at(0)).conversation_ids.tolist() == ["c1"]
    # Whole conversations are kept: c2's brand post before the window too.
    assert len(table.select(start=at(100))) == 3


@pytest.mark.parametrize(
    ("window", "parameter"),
    [
        ({"start": datetime(2024, 5, 6)}, "start"),
        ({"end": "2024-05-06"}, "end"),
        ({"start": at(10), "end": at(10)}, "end"),
        ({"start": at(10), "end": at(5)}, "end"),
        ({"end": datetime(3000, 1, 1, tzinfo=UTC)}, "end"),
    ],
)
def test_select_refuses_bad_windows(window: dict[str, Any], parameter: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        small_table().select(**window)
    assert (caught.value.function, caught.value.parameter) == ("MessageTable.select", parameter)


def first_public_customer_message(conversation: Conversation) -> datetime | None:
    """Reference: when the conversation opened, straight from the records."""
    times = [m.sent_at for m in conversation.messages if m.is_customer]
    return min(times) if times else None


@settings(max_examples=60)
@given(
    conversation_lists(max_size=6),
    st.none() | aware_datetimes(min_value=datetime(2019, 12, 1, tzinfo=UTC)),
    st.none() | st.timedeltas(timedelta(seconds=1), timedelta(days=4000)),
)
def test_a_window_selects_the_conversations_that_opened_in_it(
    records: list[Conversation], start: datetime | None, length: timedelta | None
) -> None:
    end = None if length is None else (start or datetime(2020, 1, 1, tzinfo=UTC)) + length
    table = MessageTable.from_conversations(records)
    expected = [
        c.id
        for c in records
        if (opened := first_public_customer_message(c)) is not None
        and (start is None or opened >= start)
        and (end is None or opened < end)
    ]
    if start is None and end is None:
        expected = [c.id for c in records]  # no window: every conversation
    chosen = table.select(start=start, end=end)
    assert chosen.conversation_ids.tolist() == expected
    # Metrics whose items are per conversation from its first customer message agree.
    # (Pending items are aged to one time: by default it is the latest in the data.)
    as_of = datetime(2031, 1, 1, tzinfo=UTC) if end is None else None
    for metric in (resolution_time, first_reply_time):
        assert_identical(
            metric(chosen, start=start, end=end, as_of=as_of).to_dict(),
            metric(table, start=start, end=end, as_of=as_of).to_dict(),
        )


@over_message_metrics
@CAP
@given(data=st.data())
def test_selected_conversations_give_what_their_records_give(
    metric: Metric, data: st.DataObject
) -> None:
    records = data.draw(inputs(metric))
    chosen = (
        data.draw(st.lists(st.sampled_from(records), unique_by=lambda c: c.id)) if records else []
    )
    options = draw_options(metric, data.draw)
    table = MessageTable.from_conversations(records)
    selected = table.select([c.id for c in chosen])
    subset = [c for c in records if c in chosen]
    assert_identical(
        snapshot(metric, call(metric, selected, **options)),
        snapshot(metric, call(metric, subset, **options)),
    )


# --- concat ---------------------------------------------------------------------------------------


def test_every_message_metric_is_covered_and_the_others_take_no_table() -> None:
    assert {m.name for m in MESSAGE_METRICS} == {m.name for m in REGISTRY.by_input("messages")}
    assert len(MESSAGE_METRICS) >= 15
    assert {m.input for m in METRICS} - {"messages"} == {"surveys", "tasks", "contacts"}


@over_message_metrics
@CAP
@given(data=st.data())
def test_a_table_split_and_joined_again_gives_every_metric_the_same_answer(
    metric: Metric, data: st.DataObject
) -> None:
    records, table, parts = data.draw(tables_and_parts(metric))
    options = draw_options(metric, data.draw)
    pieces = [
        table.select([c.id for c, part in zip(records, parts, strict=True) if part == p])
        for p in range(4)
    ]
    joined = MessageTable.concat(data.draw(st.permutations(pieces)))
    assert len(joined) == len(table)
    assert joined.n_conversations == table.n_conversations
    assert_identical(
        snapshot(metric, call(metric, joined, **options)),
        snapshot(metric, call(metric, table, **options)),
    )


@settings(max_examples=60)
@given(tables_and_parts())
def test_a_table_cut_in_order_and_joined_is_the_table_with_rows_counted_on(case: Any) -> None:
    records, table, parts = case
    cut = sorted(parts)  # contiguous parts, in the table's order
    pieces = [
        table.select([c.id for c, part in zip(records, cut, strict=True) if part == p])
        for p in range(4)
    ]
    joined = MessageTable.concat(pieces)
    assert_tables_equal(joined, table, but=("row",))
    # Each piece's rows are counted on from the largest row of the pieces before it, plus one.
    shift, expected = 0, []
    for piece in pieces:
        expected += (piece.row + shift).tolist()
        shift += int(piece.row.max()) + 1 if len(piece) else 0
    assert joined.row.tolist() == expected
    assert len(set(joined.row.tolist())) == len(joined)


@settings(max_examples=60)
@given(conversation_lists(max_size=5))
def test_concat_of_one_table_is_the_table(records: list[Conversation]) -> None:
    table = MessageTable.from_conversations(records)
    joined = MessageTable.concat([table])
    assert joined is not table
    assert_tables_equal(joined, table)
    assert_tables_equal(MessageTable.concat((table, MessageTable.from_conversations([]))), table)


def two_tables() -> tuple[MessageTable, MessageTable]:
    north = MessageTable.from_conversations(
        [
            Conversation(
                "n1",
                [Message("q", at(0), "customer"), Message("a", at(5), "agent", agent_id="zoe")],
                channel="twitter",
                assignee="zoe",
            )
        ]
    )
    south = MessageTable.from_conversations(
        [
            Conversation(
                "s1",
                [
                    Message("q", at(0), "customer", quick_reply="Track order"),
                    Message("a", at(9), "agent", agent_id="ana"),
                    Message("b", at(20), "bot", agent_id="zoe"),
                ],
                channel="email",
                assignee="ana",
            )
        ]
    )
    return north, south


def test_concat_maps_codes_by_name() -> None:
    north, south = two_tables()
    assert north.agent_names == ("zoe",)
    assert south.agent_names == ("ana", "zoe")
    both = MessageTable.concat([north, south])
    assert both.agent_names == ("ana", "zoe")
    assert both.channel_names == ("email", "twitter")
    assert [both.agent_names[a] if a >= 0 else None for a in both.agent] == [
        None,
        "zoe",
        None,
        "ana",
        "zoe",
    ]
    assert [both.agent_names[a] for a in both.assignee] == ["zoe", "ana"]
    assert [both.channel_names[c] for c in both.channel] == ["twitter"] * 2 + ["email"] * 3
    assert both.quick_reply_names == ("Track order",)
    assert both.quick_reply is not None
    assert both.quick_reply.tolist() == [-1, -1, 0, -1, -1]
    assert both.row.tolist() == [0, 1, 2, 3, 4]
    assert both.offsets.tolist() == [0, 2, 5]
    assert both.conversation.tolist() == [0, 0, 1, 1, 1]
    by_agent = reply_wait_time(both).by("agent")
    assert {name: r.count for name, r in by_agent.items()} == {"zoe": 1, "ana": 1}


def test_concat_sorts_int_names_as_numbers() -> None:
    sent = np.array(["2024-05-06T10:00", "2024-05-06T10:05"], dtype="datetime64[ns]")

    def table(conversation: str, agents: list[int]) -> MessageTable:
        return MessageTable.from_columns(
            conversation_id=[conversation] * 2,
            sent_at=sent,
            author=["agent", "agent"],
            agent_id=np.array(agents),
        )

    first, second = table("a", [7, 10]), table("b", [9, 9])
    assert first.agent_names == ("7", "10")
    assert MessageTable.concat([first, second]).agent_names == ("7", "9", "10")
    # Names from str ids sort as text, as from_columns sorts them.
    texts = MessageTable.from_columns(
        conversation_id=["c", "c"], sent_at=sent, author=["agent"] * 2, agent_id=["7", "10"]
    )
    assert texts.agent_names == ("10", "7")
    assert MessageTable.concat([texts, second]).agent_names == ("10", "7", "9")
    assert MessageTable.concat([texts]).agent_names == ("10", "7")


def test_concat_fills_a_column_some_tables_lack_with_its_none() -> None:
    north, _south = two_tables()
    sent = np.array(["2024-05-07T10:00"], dtype="datetime64[ns]")
    bare = MessageTable.from_columns(conversation_id=["b1"], sent_at=sent, author=["customer"])
    assert bare.text is None
    assert bare.message_id is None
    assert bare.conversation_tags is None
    with pytest.raises(InvalidParameterError) as caught:
        MessageTable.concat([north, bare])
    assert caught.value.parameter == "tables[1]"
    assert "message ids, as tables[0] has" in str(caught.value)
    scored = MessageTable.from_columns(
        conversation_id=["b2"],
        sent_at=sent,
        author=["customer"],
        text=["hi"],
        tags=[["billing"]],
        sentiment=[0.5],
        actioned_at=sent,
        quick_reply=["Talk to a person"],
    )
    joined = MessageTable.concat([bare, scored])
    assert joined.text is not None
    assert joined.text.tolist() == ["", "hi"]
    assert joined.tags is not None
    assert joined.tags.tolist() == [(), ("billing",)]
    assert joined.sentiment is not None
    assert np.isnan(joined.sentiment[0])
    assert joined.sentiment[1] == 0.5
    assert joined.actioned_at is not None
    assert joined.actioned_at[0] == NAT
    assert joined.quick_reply is not None
    assert joined.quick_reply.tolist() == [-1, 0]
    assert joined.message_id is None
    assert joined.conversation_tags is None
    assert MessageTable.concat([bare, bare.select([])]).text is None  # nobody has it: none
    # Conversation tags: () for the tables that have none.
    with_tags = MessageTable.from_conversations(
        [Conversation("t1", [Message("q", at(0), "customer")], tags="app")]
    )
    lacking = MessageTable.from_columns(
        conversation_id=["t2"], sent_at=sent, author=["customer"], message_id=["q"]
    )
    tags = MessageTable.concat([with_tags, lacking]).conversation_tags
    assert tags is not None
    assert tags.tolist() == [("app",), ()]


def test_concat_refuses_an_id_in_two_tables_naming_it_and_the_tables() -> None:
    north, south = two_tables()
    with pytest.raises(InvalidParameterError) as caught:
        MessageTable.concat([north, south, north.select(["n1"])])
    assert str(caught.value) == (
        "MessageTable.concat(): 'tables' must be tables without a conversation id in common "
        "(tables[0] and tables[2] both hold this one) (got 'n1' that is a str)"
    )


def test_concat_refuses_str_ids_beside_int_ids() -> None:
    north, _ = two_tables()
    sent = np.array(["2024-05-07T10:00"], dtype="datetime64[ns]")
    ints = MessageTable.from_columns(conversation_id=[7], sent_at=sent, author=["customer"])
    with pytest.raises(InvalidParameterError) as caught:
        MessageTable.concat([north.select([]), north, ints])
    assert caught.value.parameter == "tables[2]"
    assert "conversation ids are str ids like tables[1]'s ('n1')" in str(caught.value)
    assert "not mixed" in str(caught.value)
    assert "(got 7 that is a int)" in str(caught.value)
    # Int ids beyond int64 beside int64 ones stay ints.
    huge = MessageTable.from_columns(
        conversation_id=np.array([2**64 - 1], dtype=np.uint64), sent_at=sent, author=["customer"]
    )
    joined = MessageTable.concat([ints, huge])
    assert joined.conversation_ids.tolist() == [7, 2**64 - 1]
    with pytest.raises(InvalidParameterError, match=r"both hold this one\) \(got 7 "):
        MessageTable.concat([ints, ints])


@pytest.mark.parametrize(
    ("tables", "parameter"),
    [
        ("tables", "tables"),
        (None, "tables"),
        (MessageTable.from_conversations([]), "tables"),
        ([MessageTable.from_conversations([]), "t"], "tables[1]"),
    ],
)
def test_concat_refuses_what_is_not_a_list_of_tables(tables: Any, parameter: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        MessageTable.concat(tables)
    assert (caught.value.function, caught.value.parameter) == ("MessageTable.concat", parameter)


def test_concat_of_nothing_is_an_empty_table() -> None:
    empty = MessageTable.concat([])
    assert len(empty) == 0
    assert empty.n_conversations == 0
    assert reply_wait_time(empty).count == 0


def test_segment_rows_read_a_selected_tables_rows_in_input_order() -> None:
    table = MessageTable.from_conversations(
        [
            Conversation(
                cid,
                [
                    Message("q", at(i * 10), "customer", text=f"late order {cid}"),
                    Message("a", at(i * 10 + 5), "agent", agent_id="ana", text="sorry"),
                ],
            )
            for i, cid in enumerate(["c1", "c2", "c3"])
        ]
    )
    later = table.select(["c2", "c3"])
    assert later.row.tolist() == [2, 3, 4, 5]
    # One value per message of the selected table, in the order of its rows.
    mask = np.array([True, False, False, False])
    result = voice_of_customer(later, segment=Segment.rows(mask), min_count=1, examples=1)
    assert result.segment_messages == 1


# --- to_pandas, to_arrow ------------------------------------------------------------------------


def test_to_pandas_is_one_readable_row_per_message() -> None:
    pd = pytest.importorskip("pandas")
    frame = small_table().to_pandas()
    assert list(frame.columns) == [
        "conversation_id",
        "sent_at",
        "author",
        "agent_id",
        "channel",
        "private",
        "message_id",
        "text",
        "tags",
        "sentiment",
        "quick_reply",
        "actioned_at",
        "assignee",
        "resolved_at",
        "conversation_tags",
        "row",
    ]
    assert str(frame["sent_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["sent_at"].iloc[0] == pd.Timestamp(at(60))
    assert frame["author"].tolist() == [
        "customer",
        "agent",
        "agent",
        "customer",
        "agent",
        "agent",
        "customer",
    ]
    assert frame["agent_id"].tolist() == [None, "bo", "ana", None, "ana", "chen", None]
    assert frame["assignee"].tolist() == ["bo", "bo", "ana", "ana", "ana", None, None]
    assert frame["resolved_at"].iloc[0] == pd.Timestamp(at(70))
    assert frame["resolved_at"].iloc[2:].isna().all()
    assert frame["quick_reply"].tolist() == [None] * 7
    assert frame["tags"].tolist()[3] == ("billing",)
    assert frame["sentiment"].isna().all()
    assert frame["actioned_at"].isna().all()
    assert frame["private"].tolist() == [False, False, False, False, True, False, True]
    assert frame["row"].tolist() == list(range(7))
    frame.loc[0, "text"] = "changed"  # the frame is the caller's to change
    assert small_table().text[0] == ""  # type: ignore[index]
    # A table without the optional columns has none of them.
    sent = np.array(["2024-05-06T10:00"], dtype="datetime64[ns]")
    bare = MessageTable.from_columns(conversation_id=[7], sent_at=sent, author=["bot"])
    assert list(bare.to_pandas().columns) == [
        "conversation_id",
        "sent_at",
        "author",
        "agent_id",
        "channel",
        "private",
        "assignee",
        "resolved_at",
        "row",
    ]
    assert bare.to_pandas()["conversation_id"].tolist() == [7]


def test_to_arrow_has_the_same_columns_with_arrow_types() -> None:
    pa = pytest.importorskip("pyarrow")
    table = small_table()
    arrow = table.to_arrow()
    assert arrow.column_names == list(table.to_pandas().columns)
    assert arrow.schema.field("sent_at").type == pa.timestamp("ns", tz="UTC")
    assert arrow.schema.field("agent_id").type == pa.dictionary(pa.int32(), pa.string())
    assert arrow.schema.field("tags").type == pa.list_(pa.string())
    assert arrow.column("agent_id").to_pylist() == [None, "bo", "ana", None, "ana", "chen", None]
    assert arrow.column("resolved_at").null_count == 5
    assert arrow.column("sentiment").null_count == 7
    assert arrow.column("author").to_pylist()[:2] == ["customer", "agent"]
    assert arrow.column("sent_at").to_pylist()[0] == at(60)


@settings(max_examples=60)
@given(
    conversation_lists(max_size=5).map(lambda cs: [c for c in cs if c.messages]),
    st.sampled_from(["pandas", "arrow"]),
)
def test_load_messages_reads_to_pandas_and_to_arrow_back(
    records: list[Conversation], kind: str
) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    table = MessageTable.from_conversations(records)
    frame = table.to_pandas() if kind == "pandas" else table.to_arrow()
    names = list(frame.columns) if kind == "pandas" else frame.column_names
    columns = {field: field for field in FIELDS if field in names}
    loaded = load_messages(frame, columns=columns).table
    # Conversation tags are no field of load_messages; rows count the frame's rows, which are
    # the table's here (a table from records numbers its rows in its own order).
    assert_tables_equal(loaded, table, but=("conversation_tags",))
    assert loaded.conversation_tags is None


def test_a_selected_table_reads_back_with_rows_of_the_frame() -> None:
    pytest.importorskip("pandas")
    later = small_table().select(["c2", "c3"])
    frame = later.to_pandas()
    columns = {field: field for field in FIELDS if field in frame.columns}
    loaded = load_messages(frame, columns=columns).table
    assert_tables_equal(loaded, later, but=("row", "conversation_tags", "agent_names", "agent"))
    assert loaded.row.tolist() == [0, 1, 2, 3, 4]  # positions in the frame
    assert frame["row"].tolist() == [2, 3, 4, 5, 6]  # positions in the first input
    # The reloaded table names only the agents it holds ("bo" was c1's only).
    assert loaded.agent_names == ("ana", "chen")


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"MessageTable.to_pandas\(\) needs .*\[pandas\]"):
        small_table().to_pandas()
    with pytest.raises(ImportError, match=r"MessageTable.to_arrow\(\) needs .*\[pyarrow\]"):
        small_table().to_arrow()


# --- describe -------------------------------------------------------------------------------------


def test_describe_summarises_the_table() -> None:
    summary = small_table().describe()
    assert summary == TableSummary(
        messages=7,
        conversations=3,
        first_sent_at=at(0),
        last_sent_at=at(130),
        customer_messages=3,
        agent_messages=4,
        bot_messages=0,
        private_notes=2,
        agents=3,
        agent_names=("ana", "bo", "chen"),
        channels=(("twitter", 4), ("facebook", 3)),
        with_text=1,
        has_tags=True,
        tagged=1,
        has_sentiment=True,
        scored=0,
        resolved_conversations=1,
    )
    assert summary.text_share == pytest.approx(1 / 7)
    assert summary.scored_share == 0.0
    assert str(summary) == "\n".join(
        [
            "MessageTable summary",
            "messages         7",
            "  customer       3",
            "  agent          4",
            "  bot            0",
            "  private notes  2",
            "conversations    3",
            "  resolved       1",
            "first message    2024-05-06 09:00:00+00:00",
            "last message     2024-05-06 11:10:00+00:00",
            "agents           3: ana, bo, chen",
            "channels         twitter 4, facebook 3",
            "with text        1 (14.3%)",
            "tagged           1 (14.3%)",
            "scored           0 (0.0%)",
        ]
    )
    as_dict = summary.to_dict()
    assert_plain(as_dict)
    assert as_dict["first_sent_at"] == "2024-05-06T09:00:00+00:00"
    assert as_dict["channels"] == [
        {"channel": "twitter", "messages": 4},
        {"channel": "facebook", "messages": 3},
    ]
    assert json.loads(json.dumps(as_dict)) == as_dict
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        summary.messages = 0  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(summary)) == summary


def test_describe_limits_the_names_and_shows_what_is_missing() -> None:
    table = small_table()
    short = table.describe(max_agents=1)
    assert (short.agents, short.agent_names) == (3, ("ana",))
    assert "agents           3: ana, and 2 more" in str(short)
    assert table.describe(max_agents=0).agent_names == ()
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(InvalidParameterError, match=r"MessageTable.describe\(\): 'max_agents'"):
            table.describe(max_agents=bad)
    empty = MessageTable.from_conversations([]).describe()
    assert (empty.messages, empty.first_sent_at, empty.text_share) == (0, None, None)
    assert empty.tagged_share is None
    assert empty.channels == ()
    assert "first message    n/a" in str(empty)
    assert "channels         none" in str(empty)
    sent = np.array(["2024-05-06T10:00", "2024-05-06T10:01"], dtype="datetime64[ns]")
    bare = MessageTable.from_columns(
        conversation_id=["a", "b"], sent_at=sent, author=["customer", "bot"], channel=["x", None]
    )
    summary = bare.describe()
    assert (summary.has_tags, summary.tagged_share, summary.text_share) == (False, None, 0.0)
    assert summary.channels == (("x", 1), (None, 1))
    assert "channels         x 1, (none) 1" in str(summary)
    assert "tagged           no column" in str(summary)


@settings(max_examples=60)
@given(conversation_lists(max_size=6))
def test_describe_counts_add_up(records: list[Conversation]) -> None:
    summary = MessageTable.from_conversations(records).describe(max_agents=2)
    messages = [m for c in records for m in c.messages]
    assert summary.messages == len(messages)
    assert summary.customer_messages + summary.agent_messages + summary.bot_messages == len(
        messages
    )
    assert sum(count for _, count in summary.channels) == len(messages)
    agents = {m.agent_id for m in messages if m.agent_id} | {c.assignee for c in records}
    assert summary.agents == len(agents - {None})
    assert summary.agent_names == tuple(sorted(agents - {None}))[:2]
    assert summary.with_text == sum(1 for m in messages if m.text)
    assert summary.tagged == sum(1 for m in messages if m.tags)
    assert summary.scored == sum(1 for m in messages if m.sentiment is not None)
    assert summary.private_notes == sum(1 for m in messages if m.private)
    assert summary.resolved_conversations == resolution_rate(records).numerator
    if messages:
        assert summary.first_sent_at == min(m.sent_at for m in messages)
        assert summary.last_sent_at == max(m.sent_at for m in messages)
    assert_plain(summary.to_dict())
