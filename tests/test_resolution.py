"""Resolution time: from the customer's first message to resolved_at, wall or business time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import latest_timestamp, reference_resolved
from socialcare_metrics import (
    Author,
    BusinessCalendar,
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    SlaPolicy,
    resolution_rate,
    resolution_time,
    sla_compliance,
)
from socialcare_metrics.testing import conversation_lists

T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ticket(
    cid: str,
    asked: float,
    resolved: float | None,
    *,
    assignee: str | None = "ana",
    channel: str = "twitter",
) -> Conversation:
    return Conversation(
        cid,
        [
            Message(f"{cid}-q", at(asked), "customer", channel=channel),
            Message(f"{cid}-a", at(asked + 0.25), "agent", agent_id="bo"),
        ],
        assignee=assignee,
        resolved_at=None if resolved is None else at(resolved),
    )


def conversations() -> list[Conversation]:
    return [
        ticket("c1", 0, 2),  # 2 h
        ticket("c2", 1, 5, channel="facebook"),  # 4 h
        ticket("c3", 2, 11, assignee="bo"),  # 9 h
        ticket("c4", 3, 33, assignee=None),  # 30 h
        ticket("c5", 4, None, assignee="bo"),  # unresolved: pending
    ]


def test_summary_by_hand() -> None:
    result = resolution_time(conversations())
    assert result.name == "resolution time"
    assert (result.count, result.pending) == (4, 1)
    assert result.mean == timedelta(hours=(2 + 4 + 9 + 30) / 4)  # 11 h 15 min
    assert str(result) == "11 h 15 min"
    assert result.median == timedelta(hours=(4 + 9) / 2)
    assert (result.min, result.max) == (timedelta(hours=2), timedelta(hours=30))
    assert [w.conversation_id for w in result.slowest(2)] == ["c4", "c3"]
    # as_of defaults to the latest message (c5's reply at 4 h 15 min): c5 is 15 min old.
    assert result.pending_ages.tolist() == [15 * 60]
    assert result.distribution()["8-24 h"].count == 1


def test_as_of_ages_the_unresolved() -> None:
    result = resolution_time(conversations(), as_of=at(10))
    assert result.pending_ages.tolist() == [6 * 3600]
    assert result.as_of == at(10)


def test_breakdowns() -> None:
    result = resolution_time(conversations())
    by_agent = result.by("agent")  # the assignee: who resolved it is not recorded
    assert list(by_agent) == ["ana", "bo", None]
    assert by_agent["ana"].mean == timedelta(hours=3)  # c1, c2
    assert (by_agent["bo"].count, by_agent["bo"].pending) == (1, 1)  # c3; c5 pending
    assert by_agent[None].max == timedelta(hours=30)
    by_channel = result.by("channel")
    assert by_channel["facebook"].mean == timedelta(hours=4)
    by_day = result.by("day")
    assert list(by_day) == [datetime(2024, 5, 6, tzinfo=UTC)]


def test_starts_at_the_first_public_customer_message() -> None:
    conversation = Conversation(
        "c",
        [
            Message("post", at(0), "agent", agent_id="ana"),  # a proactive post: no start
            Message("note", at(0.5), "customer", private=True),  # private: not a start
            Message("q1", at(1), "customer"),
            Message("q2", at(2), "customer"),
            Message("a", at(3), "agent", agent_id="ana"),
        ],
        resolved_at=at(4),
    )
    result = resolution_time(conversation)
    assert result.mean == timedelta(hours=3)


def test_resolved_before_the_customer_wrote_is_still_open() -> None:
    conversation = Conversation(
        "c",
        [
            Message("post", at(0), "agent", agent_id="ana"),
            Message("q", at(2), "customer"),
        ],
        resolved_at=at(1),
    )
    result = resolution_time([conversation], as_of=at(5))
    assert (result.count, result.pending) == (0, 1)
    assert result.pending_ages.tolist() == [3 * 3600]


def reopened_examples() -> list[Conversation]:
    """One conversation per case of the resolution rule, resolved at 2 h."""

    def conv(cid: str, *later: Message) -> Conversation:
        asked = Message(f"{cid}-q", at(0), "customer")
        answer = Message(f"{cid}-a", at(1), "agent", agent_id="ana")
        return Conversation(cid, [asked, answer, *later], assignee="ana", resolved_at=at(2))

    return [
        conv("reopened", Message("again", at(3), "customer")),
        conv("tie", Message("same-time", at(2), "customer")),  # at resolved_at: not after
        conv("note", Message("note", at(3), "customer", private=True)),  # not a message received
        conv("follow-up", Message("thanks", at(3), "agent", agent_id="ana")),  # not the customer
        conv("plain"),
    ]


RESOLVED_EXAMPLES = {"tie", "note", "follow-up", "plain"}


def test_a_later_customer_message_reopens_the_conversation() -> None:
    convs = reopened_examples()
    result = resolution_time(convs, as_of=at(10))
    assert (result.count, result.pending) == (4, 1)
    assert result.pending_ages.tolist() == [10 * 3600]  # from the first customer message
    assert {w.conversation_id for w in result.slowest(10)} == RESOLVED_EXAMPLES
    assert resolution_rate(convs).numerator == 4
    report = sla_compliance(convs, SlaPolicy(resolution=timedelta(hours=5)), as_of=at(4))
    statuses = {item.conversation_id: item.status for item in report.items()}
    assert statuses == {
        "reopened": "pending",  # 4 h old at as_of, under the 5 h target
        "tie": "achieved",
        "note": "achieved",
        "follow-up": "achieved",
        "plain": "achieved",
    }
    late = sla_compliance(convs, SlaPolicy(resolution=timedelta(hours=3)), as_of=at(4))
    assert {i.conversation_id for i in late.items() if i.status == "breached"} == {"reopened"}


def test_the_rule_is_the_same_on_a_table_built_from_columns() -> None:
    def rows(cid: str, times: list[float], authors: list[str]) -> dict[str, list[object]]:
        return {
            "conversation_id": [cid] * len(times),
            "sent_at": [at(t) for t in times],
            "author": authors,
            "resolved_at": [at(2)] * len(times),
        }

    parts = [
        rows("reopened", [0, 1, 3], ["customer", "agent", "customer"]),
        rows("tie", [0, 1, 2], ["customer", "agent", "customer"]),
        rows("follow-up", [0, 1, 3], ["customer", "agent", "agent"]),
    ]
    columns = {key: [v for part in parts for v in part[key]] for key in parts[0]}
    table = MessageTable.from_columns(**columns)  # type: ignore[arg-type]
    assert resolution_rate(table).numerator == 2
    result = resolution_time(table, as_of=at(10))
    assert {w.conversation_id for w in result.slowest(10)} == {"tie", "follow-up"}
    assert result.pending == 1
    report = sla_compliance(table, SlaPolicy(resolution=timedelta(hours=5)), as_of=at(4))
    assert [i.conversation_id for i in report.items() if i.status == "pending"] == ["reopened"]


def test_no_customer_message_no_item() -> None:
    only_brand = Conversation(
        "b", [Message("post", at(0), "agent", agent_id="ana")], resolved_at=at(1)
    )
    result = resolution_time([only_brand])
    assert (result.count, result.pending, result.mean) == (0, 0, None)
    empty = resolution_time([])
    assert (empty.count, empty.pending, empty.mean, str(empty)) == (0, 0, None, "n/a")


def test_business_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    # Friday 15:00 to Monday 11:00: 68 hours on the clock, 2 + 2 = 4 business hours.
    conversation = Conversation(
        "w",
        [Message("q", datetime(2024, 5, 10, 15, 0, tzinfo=berlin), "customer")],
        resolved_at=datetime(2024, 5, 13, 11, 0, tzinfo=berlin),
    )
    assert resolution_time(conversation).mean == timedelta(hours=68)
    assert resolution_time(conversation, calendar=calendar).mean == timedelta(hours=4)


def test_periods_default_to_the_calendars_zone() -> None:
    # 23:30 UTC on 6 May is 01:30 on 7 May in Berlin.
    conversation = Conversation(
        "n",
        [Message("q", datetime(2024, 5, 6, 23, 30, tzinfo=UTC), "customer")],
        resolved_at=datetime(2024, 5, 7, 1, 0, tzinfo=UTC),
    )
    always = BusinessCalendar.always_open("Europe/Berlin")
    assert list(resolution_time(conversation, calendar=always).by("day")) == [
        datetime(2024, 5, 7, tzinfo=ZoneInfo("Europe/Berlin"))
    ]
    assert list(resolution_time(conversation).by("day")) == [datetime(2024, 5, 6, tzinfo=UTC)]


def test_accepts_a_table() -> None:
    table = MessageTable.from_conversations(conversations())
    assert resolution_time(table).mean == resolution_time(conversations()).mean


def test_bad_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="resolution_time\\(\\): 'calendar'"):
        resolution_time(conversations(), calendar="Europe/Berlin")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'as_of' must be a timezone-aware"):
        resolution_time(conversations(), as_of=datetime(2024, 5, 6))
    with pytest.raises(InvalidParameterError, match="'as_of' must be a time at or after"):
        resolution_time(conversations(), as_of=at(1))  # c5 opened at 4 h
    with pytest.raises(InvalidParameterError, match="'data' must be"):
        resolution_time(42)  # type: ignore[arg-type]


# --- laws -----------------------------------------------------------------------------------------


def reference(
    conversations: list[Conversation],
) -> tuple[list[timedelta], list[timedelta]]:
    """(sorted resolution times, sorted pending ages), walking the records one by one."""
    as_of = latest_timestamp(conversations)
    done: list[timedelta] = []
    ages: list[timedelta] = []
    for conv in conversations:
        customer = [m for m in conv.messages if m.author is Author.CUSTOMER and not m.private]
        if not customer:
            continue
        start = customer[0].sent_at
        if reference_resolved(conv):
            assert conv.resolved_at is not None
            done.append(conv.resolved_at - start)
        else:
            assert as_of is not None
            ages.append(as_of - start)
    return sorted(done), sorted(ages)


@given(conversation_lists())
def test_matches_the_reference(conversations: list[Conversation]) -> None:
    result = resolution_time(conversations)
    done, ages = reference(conversations)
    assert (result.count, result.pending) == (len(done), len(ages))
    # Seconds are float64: equal to the exact durations to float precision (a span of years in
    # nanoseconds is beyond float64's 53 bits, so the last bit may differ).
    assert sorted(result.seconds.tolist()) == pytest.approx(
        [d.total_seconds() for d in done], rel=1e-15, abs=0
    )
    assert sorted(result.pending_ages.tolist()) == pytest.approx(
        [a.total_seconds() for a in ages], rel=1e-15, abs=0
    )


@given(conversation_lists(), st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu"]))
def test_a_24_7_calendar_equals_wall_time(conversations: list[Conversation], zone: str) -> None:
    wall = resolution_time(conversations)
    business = resolution_time(conversations, calendar=BusinessCalendar.always_open(zone))
    assert business.seconds.tolist() == wall.seconds.tolist()
    assert business.pending_ages.tolist() == wall.pending_ages.tolist()


@given(conversation_lists())
def test_rate_time_and_sla_agree_on_which_conversations_are_resolved(
    conversations: list[Conversation],
) -> None:
    # A target longer than any span the strategies draw: closed items are achieved, open ones
    # pending, so the SLA's statuses show which conversations it counts as resolved.
    policy = SlaPolicy(resolution=timedelta(days=200 * 365))
    as_of = max((m.sent_at for c in conversations for m in c.messages), default=None)
    for conv in conversations:
        expected = reference_resolved(conv)
        assert resolution_rate([conv]).numerator == int(expected)
        if not any(m.author is Author.CUSTOMER and not m.private for m in conv.messages):
            continue  # no customer message: nothing to time, no resolution item
        timed = resolution_time([conv], as_of=as_of)
        assert (timed.count, timed.pending) == ((1, 0) if expected else (0, 1))
        report = sla_compliance([conv], policy, as_of=as_of)
        assert [i.status for i in report.items()] == ["achieved" if expected else "pending"]
    # The same over the whole list, and over a table built once.
    table = MessageTable.from_conversations(conversations)
    resolved = sum(reference_resolved(c) for c in conversations)
    assert resolution_rate(conversations).numerator == resolved
    assert resolution_rate(table).numerator == resolved
