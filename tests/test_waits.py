"""The waits engine and the two speed metrics, against the pure-Python reference."""

from __future__ import annotations

import gc
import math
import random
import weakref
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reference import RefWait, reference_waits, replied_message_ids
from socialcare_metrics import (
    BusinessCalendar,
    Conversation,
    InvalidDataError,
    InvalidParameterError,
    Message,
    MessageTable,
    SlaPolicy,
    first_reply_time,
    format_duration,
    reply_wait_time,
    resolution_time,
    sla_compliance,
    time_to_action,
)
from socialcare_metrics._core.time import datetime_to_ns
from socialcare_metrics._engine.waits import compute_waits
from socialcare_metrics.testing import conversation_lists, conversations

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def engine_waits(convs: list[Conversation], **options: bool) -> list[tuple[object, ...]]:
    table = MessageTable.from_conversations(convs)
    w = compute_waits(table, **options)
    out = []
    for i in range(len(w)):
        conv = int(w.conversation[i])
        agent_code = int(w.agent[i]) if w.closed[i] else int(table.assignee[conv])
        channel_code = int(w.channel[i])
        out.append(
            (
                table.conversation_label(conv),
                int(w.start[i]),
                int(w.end[i]) if w.closed[i] else None,
                bool(w.first[i]),
                table.agent_names[agent_code] if agent_code >= 0 else None,
                table.channel_names[channel_code] if channel_code >= 0 else None,
                int(w.n_messages[i]),
                round(int(w.ns[i]) / 1_000),
            )
        )
    return out


def as_tuples(waits: list[RefWait]) -> list[tuple[object, ...]]:
    return [
        (
            r.conversation_id,
            datetime_to_ns(r.opened_at),
            None if r.closed_at is None else datetime_to_ns(r.closed_at),
            r.first,
            r.agent_id,
            r.channel,
            r.n_messages,
            r.duration // timedelta(microseconds=1),
        )
        for r in waits
    ]


# --- the engine equals the reference --------------------------------------------------------------


@given(conversation_lists(), st.booleans())
def test_engine_equals_reference(convs: list[Conversation], bot_replies: bool) -> None:
    assert engine_waits(convs, bot_replies=bot_replies) == as_tuples(
        reference_waits(convs, bot_replies=bot_replies)
    )


@given(conversation_lists(), st.booleans())
def test_replied_messages_equal_reference(convs: list[Conversation], bot_replies: bool) -> None:
    table = MessageTable.from_conversations(convs)
    waits = compute_waits(table, bot_replies=bot_replies)
    assert table.message_id is not None
    got = {
        (table.conversation_label(int(table.conversation[r])), str(table.message_id[r]))
        for r in np.flatnonzero(waits.replied)
    }
    assert got == replied_message_ids(convs, bot_replies=bot_replies)


@given(conversation_lists(), st.booleans())
def test_metrics_summaries_equal_reference(convs: list[Conversation], bots: bool) -> None:
    ref = reference_waits(convs, bot_replies=bots)
    for result, items in (
        (reply_wait_time(convs, bot_replies=bots), ref),
        (first_reply_time(convs, bot_replies=bots), [w for w in ref if w.first]),
    ):
        closed = [w.duration.total_seconds() for w in items if w.closed]
        assert result.count == len(closed)
        assert result.pending == sum(not w.closed for w in items)
        if not closed:
            assert result.mean is None
            assert result.median is None
            assert result.max is None
            assert str(result) == "n/a"
            continue
        assert result.mean is not None
        assert result.median is not None
        assert result.min is not None
        assert result.max is not None
        assert math.isclose(result.mean.total_seconds(), sum(closed) / len(closed), abs_tol=1e-6)
        assert result.min.total_seconds() == pytest.approx(min(closed), abs=1e-6)
        assert result.max.total_seconds() == pytest.approx(max(closed), abs=1e-6)
        ordered = sorted(closed)
        mid = len(ordered) // 2
        median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        assert result.median.total_seconds() == pytest.approx(median, abs=1e-6)
        by_agent = result.by("agent")
        assert sum(r.count for r in by_agent.values()) == result.count
        assert sum(r.pending for r in by_agent.values()) == result.pending
        for agent, part in by_agent.items():
            assert part.count == sum(w.closed and w.agent_id == agent for w in items)
        by_channel = result.by("channel")
        for channel, part in by_channel.items():
            assert part.count == sum(w.closed and w.channel == channel for w in items)


# --- the laws of the waits ----------------------------------------------------------------------


def alternating(waits_seconds: list[int], gaps_seconds: list[int]) -> Conversation:
    """A customer message, then a reply after each wait, with a gap before the next question."""
    msgs = []
    t = T0
    for i, (wait, gap) in enumerate(zip(waits_seconds, gaps_seconds, strict=True)):
        msgs.append(Message(f"q{i}", t, "customer"))
        t += timedelta(seconds=wait)
        msgs.append(Message(f"a{i}", t, "agent", agent_id="ana"))
        t += timedelta(seconds=gap)
    return Conversation("c", msgs)


def test_seed_example_five_and_ten_minutes() -> None:
    # The articles: 5 minutes to answer the first message, 10 to answer the second.
    conv = alternating([300, 600], [60, 0])
    result = reply_wait_time([conv])
    assert result.mean == timedelta(minutes=7, seconds=30)
    assert str(result) == "7 min"
    assert result.count == 2
    assert result.pending == 0
    assert first_reply_time([conv]).mean == timedelta(minutes=5)


@given(
    st.lists(st.integers(0, 5 * 86_400), min_size=1, max_size=20).flatmap(
        lambda waits: st.tuples(
            st.just(waits),
            st.lists(st.integers(0, 86_400), min_size=len(waits), max_size=len(waits)),
        )
    )
)
def test_mean_is_arithmetic_mean_and_display_is_its_floor(
    waits_and_gaps: tuple[list[int], list[int]],
) -> None:
    waits, gaps = waits_and_gaps
    result = reply_wait_time([alternating(waits, gaps)])
    mean = sum(waits) / len(waits)
    assert result.mean is not None
    assert abs(result.mean.total_seconds() - mean) <= 1e-6
    # The whole-unit display is the floor of the mean.
    assert str(result) == format_duration(math.floor(mean))
    if mean >= 60:
        assert parse_minutes(str(result)) == math.floor(mean / 60)


def parse_minutes(text: str) -> int:
    units = {"d": 1440, "h": 60, "min": 1}
    parts = text.split()
    return sum(int(n) * units[u] for n, u in zip(parts[::2], parts[1::2], strict=True))


@given(conversation_lists(), st.randoms(use_true_random=False))
def test_order_of_conversations_does_not_matter(
    convs: list[Conversation], rnd: random.Random
) -> None:
    shuffled = convs[:]
    rnd.shuffle(shuffled)
    for metric in (first_reply_time, reply_wait_time):
        a, b = metric(convs), metric(shuffled)
        assert a.to_dict() == b.to_dict()
        assert {k: v.to_dict() for k, v in a.by("agent").items()} == {
            k: v.to_dict() for k, v in b.by("agent").items()
        }
        assert sorted(s.duration for s in a.slowest(3)) == sorted(s.duration for s in b.slowest(3))


@given(conversations(min_size=1), st.data())
def test_customer_burst_anchors_on_oldest_message(conv: Conversation, data: st.DataObject) -> None:
    """Customer messages added inside an open wait do not change any wait."""
    before = reference_waits([conv])
    opened = [w for w in before if w.closed_at is not None or w.opened_at]
    assume(opened)
    w = data.draw(st.sampled_from(opened))
    end = w.closed_at or (w.opened_at + w.duration)
    span = (end - w.opened_at) // timedelta(seconds=1)
    offset = data.draw(st.integers(0, max(span, 0)))
    extra = Message("burst", w.opened_at + timedelta(seconds=offset), "customer")
    # Insert the extra message after every message with the same timestamp, so that it lands
    # inside the wait even on ties.
    bigger = Conversation(
        conv.id,
        [*conv.messages, extra],
        channel=conv.channel,
        assignee=conv.assignee,
        resolved_at=conv.resolved_at,
    )
    as_of = max(m.sent_at for m in conv.messages)
    if extra.sent_at == end and w.closed_at is not None:
        return  # lands after the reply in tie order: it opens a new wait, which is right
    got = reply_wait_time([bigger], as_of=as_of)
    want = reply_wait_time([conv], as_of=as_of)
    assert (got.count, got.pending, got.mean, got.max) == (
        want.count,
        want.pending,
        want.mean,
        want.max,
    )


def test_burst_example() -> None:
    conv = Conversation(
        "c",
        [
            Message("q1", at(0), "customer"),
            Message("q2", at(3), "customer"),
            Message("q3", at(9), "customer"),
            Message("a1", at(10), "agent", agent_id="ana"),
        ],
    )
    result = reply_wait_time([conv])
    assert result.count == 1
    assert result.mean == timedelta(minutes=10)  # from the oldest unanswered message


@given(conversation_lists(), st.data())
def test_private_notes_and_bots_do_not_close_a_wait_by_default(
    convs: list[Conversation], data: st.DataObject
) -> None:
    """Adding private notes or bot messages anywhere leaves every wait as it was."""
    noisy = []
    for conv in convs:
        extra = []
        for i, m in enumerate(conv.messages):
            kind = data.draw(st.sampled_from(["none", "note", "bot", "private-bot"]))
            if kind == "none":
                continue
            extra.append(
                Message(
                    f"x{i}",
                    m.sent_at,
                    "bot" if "bot" in kind else "agent",
                    agent_id="zed",
                    private=kind != "bot",
                )
            )
        noisy.append(
            Conversation(
                conv.id,
                [*conv.messages, *extra],
                channel=conv.channel,
                assignee=conv.assignee,
                resolved_at=conv.resolved_at,
            )
        )
    assert as_tuples(reference_waits(noisy)) == as_tuples(reference_waits(convs))
    assert engine_waits(noisy) == engine_waits(convs)


def test_bot_replies_option_closes_waits() -> None:
    conv = Conversation(
        "c",
        [
            Message("q", at(0), "customer"),
            Message("b", at(1), "bot"),
            Message("n", at(2), "agent", agent_id="ana", private=True),
            Message("a", at(30), "agent", agent_id="ana"),
        ],
    )
    assert reply_wait_time([conv]).mean == timedelta(minutes=30)
    assert reply_wait_time([conv], bot_replies=True).mean == timedelta(minutes=1)


@given(conversation_lists(max_messages=8).map(lambda cs: cs))
def test_no_customer_message_means_no_waits(convs: list[Conversation]) -> None:
    brand_only = [
        Conversation(c.id, [m for m in c.messages if m.author != "customer"], channel=c.channel)
        for c in convs
    ]
    for metric in (first_reply_time, reply_wait_time):
        result = metric(brand_only)
        assert (result.count, result.pending, result.mean) == (0, 0, None)


def test_empty_input_is_undefined_not_an_error() -> None:
    for metric in (first_reply_time, reply_wait_time):
        for data in ([], MessageTable.from_conversations([])):
            result = metric(data)
            assert result.count == 0
            assert result.pending == 0
            assert result.mean is None
            assert result.percentile(90) is None
            assert result.slowest(3) == []
            assert result.by("agent") == {}
            assert str(result) == "n/a"
            assert result.to_dict()["mean"] is None
            # No data and no as_of: there is no time to report, not the epoch.
            assert result.as_of is None
            assert result.to_dict()["as_of"] is None


# --- pending waits and as_of ---------------------------------------------------------------------


def test_pending_wait_is_aged_to_as_of() -> None:
    conv = Conversation(
        "c",
        [
            Message("q", at(0), "customer"),
            Message("a", at(5), "agent"),
            Message("q2", at(7), "customer"),
        ],
        assignee="bo",
    )
    result = reply_wait_time([conv], as_of=at(67))
    assert (result.count, result.pending) == (1, 1)
    assert result.pending_ages.tolist() == [3600.0]
    assert result.by("agent")["bo"].pending == 1
    # Default as_of: the latest timestamp in the data, so the pending wait is 0 old.
    assert reply_wait_time([conv]).pending_ages.tolist() == [0.0]


def test_as_of_before_a_pending_wait_is_an_error() -> None:
    conv = Conversation("c", [Message("q", at(10), "customer")])
    with pytest.raises(InvalidParameterError, match="as_of"):
        reply_wait_time([conv], as_of=at(0))


def test_as_of_must_be_aware() -> None:
    with pytest.raises(InvalidParameterError, match="as_of"):
        reply_wait_time([], as_of=datetime(2024, 1, 1))


def test_proactive_posts_close_nothing() -> None:
    conv = Conversation(
        "c",
        [
            Message("p", at(0), "agent", agent_id="ana"),
            Message("p2", at(1), "agent", agent_id="ana"),
            Message("q", at(2), "customer"),
            Message("a", at(12), "agent", agent_id="bo"),
            Message("a2", at(13), "agent", agent_id="ana"),
        ],
    )
    result = reply_wait_time([conv])
    assert result.count == 1
    assert result.mean == timedelta(minutes=10)
    assert list(result.by("agent")) == ["bo"]
    assert first_reply_time([conv]).mean == timedelta(minutes=10)


def test_slowest_lists_conversation_ids_longest_first() -> None:
    convs = [alternating([w], [0]) for w in (60, 600, 300)]
    convs = [Conversation(f"c{i}", c.messages) for i, c in enumerate(convs)]
    slow = reply_wait_time(convs).slowest(2)
    assert [(s.conversation_id, s.duration) for s in slow] == [
        ("c1", timedelta(minutes=10)),
        ("c2", timedelta(minutes=5)),
    ]


def test_percentile_validation() -> None:
    result = reply_wait_time([alternating([60, 120], [0, 0])])
    assert result.percentile(0) == timedelta(minutes=1)
    assert result.percentile(100) == timedelta(minutes=2)
    for bad in (-1, 101, float("nan"), "50", True):
        with pytest.raises(InvalidParameterError, match="q"):
            result.percentile(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'key'"):
        result.by("team")  # type: ignore[arg-type]


def test_data_must_be_conversations_or_a_table() -> None:
    with pytest.raises(InvalidParameterError, match="data"):
        reply_wait_time("c1")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"reply_wait_time\(\): 'data\[0\]'"):
        reply_wait_time([Message("m", T0, "customer")])  # type: ignore[list-item]


def test_waits_group_by_the_local_period_they_opened_in() -> None:
    # 23:30 UTC on Sunday 5 May is 01:30 on Monday 6 May in Berlin (UTC+2).
    sunday_night = datetime(2024, 5, 5, 23, 30, tzinfo=UTC)
    convs = [
        Conversation(
            "late",
            [
                Message("q", sunday_night, "customer"),
                Message("a", sunday_night + timedelta(hours=9), "agent", agent_id="ana"),
            ],
        ),
        Conversation(
            "later",
            [
                Message("q", at(60 * 48), "customer"),  # Wednesday 8 May, 12:00 Berlin
                Message("a", at(60 * 48 + 30), "agent", agent_id="bo"),
            ],
        ),
    ]
    result = reply_wait_time(convs)
    utc_days = result.by("day")
    assert [d.date().isoformat() for d in utc_days] == [
        "2024-05-05",
        "2024-05-06",
        "2024-05-07",
        "2024-05-08",
    ]
    assert [r.count for r in utc_days.values()] == [1, 0, 0, 1]
    berlin = result.by("day", tz="Europe/Berlin")
    assert [d.date().isoformat() for d in berlin] == ["2024-05-06", "2024-05-07", "2024-05-08"]
    assert [str(r) for r in berlin.values()] == ["9 h", "n/a", "30 min"]
    assert berlin[datetime(2024, 5, 6, tzinfo=ZoneInfo("Europe/Berlin"))].count == 1
    with pytest.raises(InvalidParameterError, match="tz"):
        result.by("agent", tz="Europe/Berlin")  # type: ignore[call-overload]


@given(conversation_lists(), st.sampled_from(["hour", "day", "week", "month"]))
def test_period_groups_add_up_to_the_whole(convs: list[Conversation], unit: str) -> None:
    result = reply_wait_time(convs)
    groups = result.by(unit, tz="America/New_York")  # type: ignore[call-overload]
    assert sum(r.count for r in groups.values()) == result.count
    assert sum(r.pending for r in groups.values()) == result.pending
    starts = list(groups)
    assert starts == sorted(starts)


def test_metrics_on_one_table_share_one_walk() -> None:
    table = MessageTable.from_conversations([alternating([60, 120], [0, 30])])
    first = compute_waits(table)
    assert compute_waits(table).ns is first.ns
    assert compute_waits(table, bot_replies=True).ns is not first.ns
    later = compute_waits(table, as_of=int(table.sent_at.max()) + 10**9)
    assert later.ns is not first.ns
    assert later.ns.tolist() == first.ns.tolist()  # nothing pending here
    with pytest.raises(ValueError, match="read-only"):
        first.ns[0] = 0
    # Shared waits give the same answers as fresh ones.
    assert (
        reply_wait_time(table).to_dict()
        == reply_wait_time(
            MessageTable.from_conversations([alternating([60, 120], [0, 30])])
        ).to_dict()
    )


def test_a_table_is_freed_without_the_cycle_collector() -> None:
    """The kept waits must not refer back to the table (a cycle would hold it, and them)."""
    gc.disable()
    try:
        table = MessageTable.from_conversations([alternating([60, 120], [0, 30])])
        ref = weakref.ref(table)
        result = reply_wait_time(table)
        assert first_reply_time(table).count == 1
        del table, result
        assert ref() is None
    finally:
        gc.enable()


def test_a_span_longer_than_int64_nanoseconds_is_refused_not_wrapped() -> None:
    # 1700 to 2100 is 400 years; int64 nanoseconds hold 292. The difference used to wrap round
    # to a negative duration without a word.
    early = datetime(1700, 1, 1, tzinfo=UTC)
    late = datetime(2100, 1, 1, tzinfo=UTC)
    answered = Conversation(
        "c", [Message("q", early, "customer"), Message("a", late, "agent", agent_id="ana")]
    )
    with pytest.raises(InvalidDataError, match=r"^first_reply_time: .*292 years.*1700-01-01"):
        first_reply_time(answered)
    # A pending item aged to an as_of 400 years on, for each metric that ages items.
    waiting = Conversation("w", [Message("q", early, "customer")])
    later = Conversation("l", [Message("q", late, "customer")])
    for metric in (reply_wait_time, resolution_time, time_to_action):
        with pytest.raises(InvalidDataError, match=metric.__name__):
            metric([waiting, later])
    with pytest.raises(InvalidDataError, match="sla_compliance"):
        sla_compliance([waiting, later], SlaPolicy(resolution=timedelta(hours=1)))
    # Within 292 years is fine.
    near = Conversation(
        "n",
        [
            Message("q", early, "customer"),
            Message("a", early + timedelta(days=290 * 365), "agent", agent_id="ana"),
        ],
    )
    assert first_reply_time(near).max == timedelta(days=290 * 365)


# --- boundaries, the shared walk and errors (found unpinned by mutation testing) ------------------


def test_a_reply_at_the_same_instant_closes_a_wait_of_zero() -> None:
    # Equal timestamps keep their given order: a reply given after the question closes it
    # (a wait of 0), a reply given before it is a proactive post and closes nothing.
    answered = Conversation(
        "a", [Message("q", at(0), "customer"), Message("r", at(0), "agent", agent_id="ana")]
    )
    before = Conversation(
        "b", [Message("r", at(0), "agent", agent_id="ana"), Message("q", at(0), "customer")]
    )
    result = reply_wait_time([answered, before])
    assert (result.count, result.pending, result.mean) == (1, 1, timedelta(0))
    assert list(result.by("agent")) == ["ana", None]


def test_as_of_at_the_start_of_a_pending_wait_is_age_zero() -> None:
    conv = Conversation("c", [Message("q", at(10), "customer")])
    assert reply_wait_time([conv], as_of=at(10)).pending_ages.tolist() == [0.0]
    with pytest.raises(InvalidParameterError) as info:
        reply_wait_time([conv], as_of=at(10) - timedelta(microseconds=1))
    assert str(info.value) == (
        "reply_wait_time(): 'as_of' must be a time at or after every pending wait (the latest "
        "started at 2024-05-06T10:10:00+00:00) (got datetime.datetime(2024, 5, 6, 10, 9, 59, "
        "999999, tzinfo=datetime.timezone.utc) that is a datetime)"
    )


class _NoOffset(tzinfo):
    """A tzinfo that knows no offset: such a datetime is naive, whatever its tzinfo says."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


@pytest.mark.parametrize(
    ("as_of", "got"),
    [
        (datetime(2024, 1, 1), "datetime.datetime(2024, 1, 1, 0, 0) that is a datetime"),
        ("2024-01-01T00:00:00Z", "'2024-01-01T00:00:00Z' that is a str"),
        (
            datetime(2024, 1, 1, tzinfo=_NoOffset()),
            "datetime.datetime(2024, 1, 1, 0, 0, tzinfo=<test_waits._NoOffset object at",
        ),
    ],
)
def test_as_of_must_be_an_aware_datetime(as_of: object, got: str) -> None:
    for metric in (first_reply_time, reply_wait_time):
        with pytest.raises(InvalidParameterError) as info:
            metric([], as_of=as_of)  # type: ignore[arg-type]
        assert str(info.value).startswith(
            f"{metric.__name__}(): 'as_of' must be a timezone-aware datetime or None (got {got}"
        )
        assert (info.value.parameter, info.value.got) == ("as_of", as_of)


def test_calendar_must_be_a_business_calendar() -> None:
    with pytest.raises(InvalidParameterError) as info:
        first_reply_time([], calendar="Europe/Berlin")  # type: ignore[arg-type]
    assert str(info.value) == (
        "first_reply_time(): 'calendar' must be a BusinessCalendar or None "
        "(got 'Europe/Berlin' that is a str)"
    )


def test_the_shared_walk_follows_every_option() -> None:
    # One table asked with each option in turn answers as a fresh table would: the kept walk
    # is only reused for the same options.
    def conversations() -> list[Conversation]:
        return [
            Conversation(
                "c",
                [
                    Message("q", datetime(2024, 5, 10, 16, 0, tzinfo=UTC), "customer"),
                    Message("b", datetime(2024, 5, 10, 16, 5, tzinfo=UTC), "bot"),
                    Message("a", datetime(2024, 5, 13, 10, 0, tzinfo=UTC), "agent", agent_id="x"),
                    Message("q2", datetime(2024, 5, 13, 11, 0, tzinfo=UTC), "customer"),
                ],
            )
        ]

    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    later = datetime(2024, 5, 13, 12, 0, tzinfo=UTC)
    options: list[dict[str, Any]] = [
        {},
        {"bot_replies": True},
        {"calendar": calendar},
        {"as_of": later},
        {"bot_replies": True, "calendar": calendar, "as_of": later},
        {},
    ]
    shared = MessageTable.from_conversations(conversations())
    answers = []
    for kwargs in options:
        got = reply_wait_time(shared, **kwargs).to_dict()
        assert got == reply_wait_time(conversations(), **kwargs).to_dict()
        answers.append(got)
    # The options do change the answer, so the check above could tell a stale walk.
    assert len({repr(a) for a in answers}) == len(options) - 1


def test_every_array_of_the_waits_is_read_only() -> None:
    table = MessageTable.from_conversations([alternating([60, 120], [0, 30])])
    for waits in (compute_waits(table), compute_waits(table)):  # fresh, then kept
        arrays = [
            v for v in attrs.asdict(waits, recurse=False).values() if isinstance(v, np.ndarray)
        ]
        assert len(arrays) == 13
        assert not any(a.flags.writeable for a in arrays)
        assert len(waits) == 2


@given(conversation_lists(), st.booleans())
def test_a_pending_wait_has_no_closing_reply_nor_agent(
    convs: list[Conversation], bot_replies: bool
) -> None:
    # The engine's own record of a pending wait: no closing row, no agent (-1), its end as_of.
    waits = compute_waits(MessageTable.from_conversations(convs), bot_replies=bot_replies)
    pending = ~waits.closed
    assert (waits.close_row[pending] == -1).all()
    assert (waits.agent[pending] == -1).all()
    assert (waits.end[pending] == waits.as_of).all()
    assert (waits.close_row[waits.closed] > waits.open_row[waits.closed]).all()


def test_as_of_ages_pending_waits_only() -> None:
    # as_of may come before a wait that opened and closed later: that wait keeps its duration,
    # and only the pending wait (opened before as_of) is aged to as_of.
    pending = Conversation("p", [Message("q", at(0), "customer")])
    closed_later = Conversation(
        "c", [Message("q", at(60), "customer"), Message("a", at(75), "agent", agent_id="ana")]
    )
    result = reply_wait_time([pending, closed_later], as_of=at(30))
    assert (result.count, result.pending, result.mean) == (1, 1, timedelta(minutes=15))
    assert result.pending_ages.tolist() == [1800.0]
