"""SLA compliance: examples derived by hand, and laws checked with hypothesis against a
pure-Python reference built on the reference waits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import latest_timestamp, reference_resolved, reference_waits
from socialcare_metrics import (
    Author,
    BusinessCalendar,
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
    SlaItem,
    SlaPolicy,
    SlaReport,
    SlaResult,
    sla_compliance,
)
from socialcare_metrics.testing import conversation_lists

T0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
US = timedelta(microseconds=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def thread(
    cid: str,
    asked: float,
    answered: float | None,
    agent: str = "ana",
    *,
    channel: str = "twitter",
    assignee: str | None = None,
    resolved: float | None = None,
) -> Conversation:
    messages = [Message(f"{cid}-q", at(asked), "customer", channel=channel)]
    if answered is not None:
        messages.append(Message(f"{cid}-a", at(answered), "agent", agent_id=agent))
    return Conversation(
        cid,
        messages,
        assignee=assignee,
        resolved_at=None if resolved is None else at(resolved),
    )


# --- the source articles' example -----------------------------------------------------------------


def test_articles_example_every_inquiry_within_two_hours_is_100_percent() -> None:
    # "Reply to every tweet and Facebook message within 2 hours; if all of them got their reply
    # in 2 hours or less, the SLA is 100%." The last one is answered at exactly 2 hours.
    conversations = [
        thread("t1", 0, 15, channel="twitter"),
        thread("t2", 5, 65, channel="twitter"),
        thread("f1", 10, 100, channel="facebook"),
        thread("f2", 30, 150, channel="facebook"),  # 120 min: exactly the target
    ]
    report = sla_compliance(conversations, SlaPolicy(first_reply=timedelta(hours=2)))
    first = report.first_reply
    assert first is not None
    assert (first.achieved, first.breached, first.pending) == (4, 0, 0)
    assert first.compliance == 1.0
    assert str(first) == "100.0%"
    assert report.compliance == 1.0
    assert {name: r.compliance for name, r in report.by("channel").items()} == {
        "facebook": 1.0,
        "twitter": 1.0,
    }
    # Margins: 120 - (15, 60, 90, 120) minutes.
    assert list(first.margins) == [105 * 60, 60 * 60, 30 * 60, 0]


def test_one_late_reply_breaks_the_100_percent() -> None:
    conversations = [thread("a", 0, 120), thread("b", 0, 120.5)]
    report = sla_compliance(conversations, SlaPolicy(first_reply=timedelta(hours=2)))
    assert (report.achieved, report.breached, report.compliance) == (1, 1, 0.5)
    assert list(report.margins) == [0.0, -30.0]


# --- pending and breached at as_of ----------------------------------------------------------------


def test_a_pending_wait_becomes_breached_once_as_of_passes_the_target() -> None:
    conversations = [thread("p", 0, None, assignee="bo")]
    policy = SlaPolicy(first_reply=timedelta(hours=2))

    early = sla_compliance(conversations, policy, as_of=at(30))
    assert (early.achieved, early.breached, early.pending) == (0, 0, 1)
    assert early.compliance is None  # nothing scored yet
    assert early.margins[0] == 90 * 60  # time left

    exactly = sla_compliance(conversations, policy, as_of=at(120))
    assert (exactly.breached, exactly.pending) == (0, 1)  # not yet *older* than the target

    late = sla_compliance(conversations, policy, as_of=at(120) + US)
    assert (late.achieved, late.breached, late.pending) == (0, 1, 0)
    assert late.compliance == 0.0
    assert late.margins[0] == -1e-6
    (item,) = late.items()
    assert item == SlaItem(
        target="first_reply",
        conversation_id="p",
        status="breached",
        opened_at=at(0),
        duration=timedelta(hours=2) + US,
        margin=-US,
        agent="bo",  # an open wait belongs to the conversation's assignee
        channel="twitter",
        due_at=at(120),
    )


def test_an_open_breached_wait_without_assignee_is_unassigned_none() -> None:
    conversations = [thread("p", 0, None), thread("q", 0, 10, agent="ana")]
    report = sla_compliance(conversations, SlaPolicy(first_reply=HOUR), as_of=at(200))
    groups = report.by("agent")
    assert list(groups) == ["ana", None]
    assert (groups[None].breached, groups[None].achieved) == (1, 0)
    assert (groups["ana"].achieved, groups["ana"].breached) == (1, 0)


# --- several targets, hand-derived --------------------------------------------------------------


def mixed() -> list[Conversation]:
    return [
        # first wait 30 min (ana); next wait 10:40 -> 13:20 = 160 min (bo); resolved after 5 h.
        Conversation(
            "c1",
            [
                Message("q1", at(0), "customer", channel="twitter"),
                Message("a1", at(30), "agent", agent_id="ana"),
                Message("q2", at(40), "customer", channel="twitter"),
                Message("n1", at(50), "agent", agent_id="bo", private=True),  # a note: no reply
                Message("a2", at(200), "agent", agent_id="bo"),
            ],
            assignee="ana",
            resolved_at=at(300),
        ),
        # first wait open since 11:40 (no assignee): 250 min old at as_of (15:50).
        Conversation("c2", [Message("q", at(100), "customer", channel="facebook")]),
        # first wait open since 15:50: 0 min old at as_of.
        Conversation("c3", [Message("q", at(350), "customer", channel="facebook")], assignee="bo"),
    ]


def test_every_target_counted_by_hand() -> None:
    policy = SlaPolicy(
        first_reply=timedelta(hours=2), next_reply=HOUR, resolution=timedelta(hours=8)
    )
    report = sla_compliance(mixed(), policy)
    assert report.as_of == at(350)
    first, later, resolution = report.first_reply, report.next_reply, report.resolution
    assert first is not None
    assert later is not None
    assert resolution is not None
    # first reply: c1 30 min achieved; c2 250 min open > 120 breached; c3 0 min pending.
    assert (first.achieved, first.breached, first.pending, first.compliance) == (1, 1, 1, 0.5)
    # next reply: c1's 160 min > 60 breached.
    assert (later.achieved, later.breached, later.pending, later.compliance) == (0, 1, 0, 0.0)
    # resolution: c1 300 min achieved; c2 250 min and c3 0 min open, under 480: pending.
    assert (resolution.achieved, resolution.breached, resolution.pending) == (1, 0, 2)
    assert resolution.compliance == 1.0
    # overall: 2 achieved, 2 breached, 3 pending.
    assert (report.achieved, report.breached, report.pending, report.count) == (2, 2, 3, 7)
    assert report.compliance == 0.5
    assert report.percent == 50.0
    assert list(report.targets) == ["first_reply", "next_reply", "resolution"]
    # Margins in seconds, target minus actual, in the order first, next, resolution.
    assert sorted(first.margins.tolist()) == [-130 * 60, 90 * 60, 120 * 60]
    assert later.margins.tolist() == [-100 * 60]
    assert sorted(resolution.margins.tolist()) == [180 * 60, 230 * 60, 480 * 60]
    worst = report.worst(2)
    assert [(w.target, w.conversation_id, w.margin) for w in worst] == [
        ("first_reply", "c2", timedelta(minutes=-130)),
        ("next_reply", "c1", timedelta(minutes=-100)),
    ]


def test_breakdowns_by_agent_channel_and_period() -> None:
    policy = SlaPolicy(
        first_reply=timedelta(hours=2), next_reply=HOUR, resolution=timedelta(hours=8)
    )
    report = sla_compliance(mixed(), policy)
    by_agent = report.by("agent")
    assert list(by_agent) == ["ana", "bo", None]
    ana, bo, unassigned = by_agent["ana"], by_agent["bo"], by_agent[None]
    # ana: c1's first reply (she sent it) and c1's resolution (her conversation).
    assert (ana.achieved, ana.breached, ana.pending) == (2, 0, 0)
    # bo: c1's late next reply (he sent it); c3's open first wait and its resolution.
    assert (bo.achieved, bo.breached, bo.pending) == (0, 1, 2)
    assert bo.next_reply is not None
    assert bo.next_reply.compliance == 0.0
    assert bo.first_reply is not None
    assert bo.first_reply.compliance is None
    # unassigned: c2's breached first wait and its pending resolution.
    assert (unassigned.breached, unassigned.pending) == (1, 1)

    by_channel = report.by("channel")
    assert list(by_channel) == ["facebook", "twitter"]
    assert (by_channel["twitter"].achieved, by_channel["twitter"].breached) == (2, 1)

    by_hour = report.by("hour")
    assert [h.hour for h in by_hour] == [10, 11, 12, 13, 14, 15]
    assert [g.count for g in by_hour.values()] == [3, 2, 0, 0, 0, 2]

    # A per-target result splits the same way.
    first = report.first_reply
    assert first is not None
    assert {k: v.count for k, v in first.by("agent").items()} == {"ana": 1, "bo": 1, None: 1}


def test_output() -> None:
    policy = SlaPolicy(first_reply=timedelta(hours=2), next_reply=HOUR)
    report = sla_compliance(mixed(), policy)
    text = str(report)
    lines = text.splitlines()
    assert lines[0] == "SLA compliance as of 2024-05-06T15:50:00+00:00 (wall-clock time)"
    assert lines[2].split() == ["first", "reply", "2", "h", "1", "1", "1", "50.0%"]
    assert lines[3].split() == ["next", "reply", "1", "h", "0", "1", "0", "0.0%"]
    assert lines[4].split() == ["overall", "1", "2", "1", "33.3%"]
    assert repr(report.first_reply) == (
        "<SlaResult first reply within 2 h: 50.0% (1 achieved, 1 breached, 1 pending)>"
    )
    assert "overall 33.3%" in repr(report)
    data = report.to_dict()
    assert data["achieved"] == 1
    assert data["breached"] == 2
    assert data["pending"] == 1
    assert data["targets"]["first_reply"]["target_seconds"] == 7200.0
    assert data["targets"]["next_reply"]["compliance"] == 0.0
    assert data["business_time"] is False
    assert "<table>" in report._repr_html_()
    assert report.resolution is None  # not in the policy


# --- exactness and business time ------------------------------------------------------------------


def test_boundary_is_exact_at_the_microsecond() -> None:
    policy = SlaPolicy(first_reply=timedelta(days=40))
    on_time = thread("a", 0, 40 * 24 * 60)
    late = Conversation(
        "b",
        [
            Message("q", at(0), "customer"),
            Message("a", at(40 * 24 * 60) + US, "agent", agent_id="ana"),
        ],
    )
    report = sla_compliance([on_time, late], policy)
    assert [item.status for item in report.items()] == ["achieved", "breached"]


def test_nanosecond_columns_compare_exactly() -> None:
    base = np.datetime64("2024-05-06T10:00:00", "ns")
    target = timedelta(hours=1)
    one_ns = np.timedelta64(1, "ns")
    hour = np.timedelta64(3600, "s").astype("timedelta64[ns]")
    table = MessageTable.from_columns(
        conversation_id=["a", "a", "b", "b"],
        sent_at=np.array([base, base + hour, base, base + hour + one_ns]),
        author=["customer", "agent", "customer", "agent"],
        agent_id=[None, "ana", None, "ana"],
    )
    report = sla_compliance(table, SlaPolicy(first_reply=target))
    assert [item.status for item in report.items()] == ["achieved", "breached"]


def test_business_time_targets() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    calendar = BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00")
    friday = datetime(2024, 5, 10, 16, 0, tzinfo=berlin)
    monday_10 = datetime(2024, 5, 13, 10, 0, tzinfo=berlin)
    # Friday 16:00 to Monday 10:00 is 66 hours on the clock, 1 + 1 = 2 business hours.
    on_time = Conversation(
        "w1", [Message("q", friday, "customer"), Message("a", monday_10, "agent", agent_id="x")]
    )
    late = Conversation(
        "w2",
        [Message("q", friday, "customer"), Message("a", monday_10 + US, "agent", agent_id="x")],
    )
    wall = sla_compliance([on_time, late], SlaPolicy(first_reply=timedelta(hours=2)))
    assert (wall.achieved, wall.breached) == (0, 2)
    business = sla_compliance(
        [on_time, late], SlaPolicy(first_reply=timedelta(hours=2), calendar=calendar)
    )
    assert [item.status for item in business.items()] == ["achieved", "breached"]
    assert business.items()[0].duration == timedelta(hours=2)
    assert business.to_dict()["business_time"] is True
    assert "(business time)" in str(business)


def test_periods_default_to_the_policy_calendars_zone() -> None:
    # 23:30 UTC on Monday 6 May is 01:30 on Tuesday 7 May in Berlin.
    late_evening = Conversation(
        "n",
        [
            Message("q", datetime(2024, 5, 6, 23, 30, tzinfo=UTC), "customer"),
            Message("a", datetime(2024, 5, 6, 23, 40, tzinfo=UTC), "agent", agent_id="ana"),
        ],
    )
    always = BusinessCalendar.always_open("Europe/Berlin")
    with_calendar = sla_compliance([late_evening], SlaPolicy(first_reply=HOUR, calendar=always))
    (day,) = with_calendar.by("day")
    assert day == datetime(2024, 5, 7, tzinfo=ZoneInfo("Europe/Berlin"))
    (utc_day,) = with_calendar.by("day", tz="UTC")  # an explicit zone wins
    assert utc_day == datetime(2024, 5, 6, tzinfo=UTC)
    without = sla_compliance([late_evening], SlaPolicy(first_reply=HOUR))
    (plain_day,) = without.by("day")
    assert plain_day == datetime(2024, 5, 6, tzinfo=UTC)


# --- resolution target ----------------------------------------------------------------------------


def test_resolution_target() -> None:
    policy = SlaPolicy(resolution=timedelta(hours=4))
    conversations = [
        thread("fast", 0, 10, resolved=240),  # exactly 4 h: achieved
        thread("slow", 0, 10, resolved=241),  # breached
        thread("open", 0, 10),  # unresolved, 6 h old at as_of: breached
        thread("young", 300, None),  # unresolved, 1 h old: pending
    ]
    report = sla_compliance(conversations, policy, as_of=at(360))
    resolution = report.resolution
    assert resolution is not None
    statuses = {item.conversation_id: item.status for item in resolution.items()}
    assert statuses == {
        "fast": "achieved",
        "slow": "breached",
        "open": "breached",
        "young": "pending",
    }
    assert resolution.compliance == pytest.approx(1 / 3)
    assert report.first_reply is None


def test_resolution_starts_at_the_first_customer_message_and_ignores_earlier_resolution() -> None:
    conversation = Conversation(
        "c",
        [
            Message("post", at(0), "agent", agent_id="ana"),  # a proactive post
            Message("q", at(60), "customer"),
            Message("a", at(70), "agent", agent_id="ana"),
        ],
        resolved_at=at(30),  # resolved before the customer wrote: the message reopened it
    )
    report = sla_compliance([conversation], SlaPolicy(resolution=HOUR), as_of=at(100))
    (item,) = report.items()
    assert (item.status, item.opened_at) == ("pending", at(60))
    assert item.duration == timedelta(minutes=40)


# --- empty and bad input --------------------------------------------------------------------------


def test_over_nothing_compliance_is_none_with_count_zero() -> None:
    report = sla_compliance([], SlaPolicy(first_reply=HOUR, resolution=HOUR))
    assert (report.count, report.achieved, report.breached, report.pending) == (0, 0, 0, 0)
    assert report.compliance is None
    assert report.percent is None
    assert report.first_reply is not None
    assert str(report.first_reply) == "n/a"
    assert report.items() == []
    assert report.worst() == []
    assert report.by("agent") == {}
    assert report.by("day") == {}
    assert report.to_dict()["compliance"] is None


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({}, "first_reply"),
        ({"first_reply": timedelta(0)}, "first_reply"),
        ({"next_reply": -HOUR}, "next_reply"),
        ({"resolution": 3600}, "resolution"),
        ({"resolution": timedelta(days=300 * 365)}, "resolution"),
        ({"first_reply": HOUR, "calendar": "Europe/Berlin"}, "calendar"),
    ],
)
def test_bad_policies(kwargs: dict[str, object], parameter: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        SlaPolicy(**kwargs)  # type: ignore[arg-type]
    assert info.value.function == "SlaPolicy"
    assert info.value.parameter == parameter
    assert f"SlaPolicy(): {parameter!r} must be" in str(info.value)


def test_bad_arguments() -> None:
    conversations = [thread("p", 60, None)]
    policy = SlaPolicy(first_reply=HOUR)
    with pytest.raises(InvalidParameterError, match="'policy' must be an SlaPolicy"):
        sla_compliance(conversations, timedelta(hours=1))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'bot_replies' must be a bool"):
        sla_compliance(conversations, policy, bot_replies=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'as_of' must be a timezone-aware"):
        sla_compliance(conversations, policy, as_of=datetime(2024, 5, 6))
    with pytest.raises(InvalidParameterError, match="'as_of' must be a time at or after"):
        sla_compliance(conversations, policy, as_of=at(0))
    resolution = SlaPolicy(resolution=HOUR)
    with pytest.raises(InvalidParameterError, match="unresolved conversation"):
        sla_compliance(conversations, resolution, as_of=at(0))
    with pytest.raises(InvalidParameterError, match="'k' must be an int >= 0"):
        sla_compliance(conversations, policy).worst(-1)
    with pytest.raises(InvalidParameterError, match="'data' must be"):
        sla_compliance("c1", policy)  # type: ignore[arg-type]


def test_bot_replies_option() -> None:
    conversation = Conversation(
        "b",
        [
            Message("q", at(0), "customer"),
            Message("bot", at(1), "bot"),
            Message("a", at(90), "agent", agent_id="ana"),
        ],
    )
    policy = SlaPolicy(first_reply=HOUR)
    assert sla_compliance([conversation], policy).compliance == 0.0
    assert sla_compliance([conversation], policy, bot_replies=True).compliance == 1.0


# --- laws -----------------------------------------------------------------------------------------


def reference_items(
    conversations: list[Conversation], policy: SlaPolicy, as_of: datetime | None = None
) -> Counter[tuple[object, ...]]:
    """(target, conversation, opened_at, status, duration, agent, channel) of every item."""
    if as_of is None:
        as_of = latest_timestamp(conversations)
    out: Counter[tuple[object, ...]] = Counter()

    def status(closed: bool, duration: timedelta, target: timedelta) -> str:
        if duration > target:
            return "breached"
        return "achieved" if closed else "pending"

    for wait in reference_waits(conversations, as_of=as_of):
        target = policy.first_reply if wait.first else policy.next_reply
        if target is None:
            continue
        name = "first_reply" if wait.first else "next_reply"
        out[
            (
                name,
                wait.conversation_id,
                wait.opened_at,
                status(wait.closed, wait.duration, target),
                wait.duration,
                wait.agent_id,
                wait.channel,
            )
        ] += 1
    if policy.resolution is not None:
        for conv in conversations:
            customer = [m for m in conv.messages if m.author is Author.CUSTOMER and not m.private]
            if not customer:
                continue
            start = customer[0].sent_at
            resolved = reference_resolved(conv)
            assert as_of is not None
            end = conv.resolved_at if resolved and conv.resolved_at is not None else as_of
            out[
                (
                    "resolution",
                    conv.id,
                    start,
                    status(resolved, end - start, policy.resolution),
                    end - start,
                    conv.assignee,
                    customer[0].channel or conv.channel,
                )
            ] += 1
    return out


targets = st.none() | st.integers(min_value=1, max_value=40 * 3600).map(
    lambda s: timedelta(seconds=s)
)


@st.composite
def policies(draw: st.DrawFn) -> SlaPolicy:
    first, later, resolution = draw(targets), draw(targets), draw(targets)
    if first is None and later is None and resolution is None:
        first = HOUR
    return SlaPolicy(first_reply=first, next_reply=later, resolution=resolution)


def engine_items(report: SlaReport | SlaResult) -> Counter[tuple[object, ...]]:
    return Counter(
        (i.target, i.conversation_id, i.opened_at, i.status, i.duration, i.agent, i.channel)
        for i in report.items()
    )


@given(conversation_lists(), policies())
def test_items_match_the_reference(conversations: list[Conversation], policy: SlaPolicy) -> None:
    report = sla_compliance(conversations, policy)
    assert engine_items(report) == reference_items(conversations, policy)


@given(conversation_lists(), policies())
def test_counts_add_up(conversations: list[Conversation], policy: SlaPolicy) -> None:
    report = sla_compliance(conversations, policy)
    assert report.achieved + report.breached + report.pending == report.count
    assert report.count == len(report.items()) == report.margins.shape[0]
    per_target = report.targets.values()
    assert sum(r.count for r in per_target) == report.count
    assert sum(r.achieved for r in per_target) == report.achieved
    for result in per_target:
        assert result.achieved + result.breached + result.pending == result.count
        scored = result.achieved + result.breached
        assert result.compliance == (result.achieved / scored if scored else None)
    # Every breakdown is a partition of the items.
    for key in ("agent", "channel", "day"):
        groups = report.by(key)  # type: ignore[call-overload]
        assert sum(g.count for g in groups.values()) == report.count
        assert sum(g.breached for g in groups.values()) == report.breached
    # The margin's sign says the status: negative exactly when breached.
    breached = np.array([i.status == "breached" for i in report.items()], dtype=bool)
    assert np.array_equal(report.margins < 0, breached)


@given(
    conversation_lists(),
    st.integers(min_value=1, max_value=30 * 3600),
    st.integers(min_value=0, max_value=30 * 3600),
)
def test_compliance_never_falls_when_a_target_grows(
    conversations: list[Conversation], seconds: int, extra: int
) -> None:
    small = timedelta(seconds=seconds)
    large = small + timedelta(seconds=extra)
    for make in (
        lambda t: SlaPolicy(first_reply=t),
        lambda t: SlaPolicy(next_reply=t),
        lambda t: SlaPolicy(resolution=t),
    ):
        before = sla_compliance(conversations, make(small))
        after = sla_compliance(conversations, make(large))
        assert after.achieved >= before.achieved
        assert after.breached <= before.breached
        if before.compliance is not None and after.compliance is not None:
            assert after.compliance >= before.compliance
        if after.compliance is None:
            # Nothing scored with the larger target: nothing achieved with the smaller one.
            assert before.compliance in (None, 0.0)


@given(conversation_lists(), policies(), st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata"]))
def test_business_time_on_a_24_7_calendar_equals_wall_time(
    conversations: list[Conversation], policy: SlaPolicy, zone: str
) -> None:
    wall = sla_compliance(conversations, policy)
    business = sla_compliance(
        conversations,
        SlaPolicy(
            first_reply=policy.first_reply,
            next_reply=policy.next_reply,
            resolution=policy.resolution,
            calendar=BusinessCalendar.always_open(zone),
        ),
    )
    assert business.compliance == wall.compliance
    assert (business.achieved, business.breached, business.pending) == (
        wall.achieved,
        wall.breached,
        wall.pending,
    )
    assert np.array_equal(business.margins, wall.margins)
    assert engine_items(business) == engine_items(wall)


@given(conversation_lists(min_size=1), st.integers(min_value=0, max_value=60 * 3600))
def test_later_as_of_only_moves_pending_to_breached(
    conversations: list[Conversation], later: int
) -> None:
    policy = SlaPolicy(first_reply=timedelta(hours=2), resolution=timedelta(hours=10))
    as_of = latest_timestamp(conversations)
    if as_of is None:
        return
    now = sla_compliance(conversations, policy, as_of=as_of)
    then = sla_compliance(conversations, policy, as_of=as_of + timedelta(seconds=later))
    assert then.achieved == now.achieved
    assert then.breached >= now.breached
    assert then.breached + then.pending == now.breached + now.pending


def test_empty_input_has_no_as_of_and_prints() -> None:
    from socialcare_metrics import SlaPolicy, sla_compliance

    report = sla_compliance([], SlaPolicy(first_reply=timedelta(hours=2)))
    assert report.as_of is None
    assert report.compliance is None
    assert "as of -" in str(report)


# --- due times: what breaches next -----------------------------------------------------------


def _due_policy(calendar: BusinessCalendar | None) -> SlaPolicy:
    return SlaPolicy(
        first_reply=timedelta(hours=1),
        next_reply=timedelta(hours=4),
        resolution=timedelta(hours=30),
        calendar=calendar,
    )


@pytest.mark.parametrize(
    "calendar", [None, BusinessCalendar("Europe/Berlin", "mon-fri 09:00-17:00", country="DE")]
)
def test_every_item_falls_due_its_target_after_it_opened(calendar: BusinessCalendar | None) -> None:
    from socialcare_metrics import sample_conversations

    data = sample_conversations(seed=2, n_conversations=300)
    report = sla_compliance(data, _due_policy(calendar), end=datetime(2024, 3, 20, 15, tzinfo=UTC))
    items = report.items()
    assert items
    targets = _due_policy(None).targets
    for item in items:
        assert item.due_at is not None
        target = targets[item.target]
        if calendar is None:
            assert item.due_at - item.opened_at == target
        else:
            assert calendar.business_time(item.opened_at, item.due_at) == target
            # The earliest such instant: a microsecond earlier the target is not used up yet.
            earlier = item.due_at - timedelta(microseconds=1)
            assert calendar.business_time(item.opened_at, earlier) < target
        if item.status == "pending":
            assert item.due_at > report.as_of
            assert item.margin > timedelta(0)
    pending = [i for i in items if i.status == "pending"]
    assert pending  # the window's end leaves waits open
    due = report.due_next(len(pending) + 3)
    assert [i.due_at for i in due] == sorted(i.due_at for i in pending)
    assert {(i.conversation_id, i.target, i.opened_at) for i in due} == {
        (i.conversation_id, i.target, i.opened_at) for i in pending
    }
    assert report.due_next(2) == due[:2]
    assert report.first_reply is not None
    assert all(i.target == "first_reply" for i in report.first_reply.due_next(10))


def test_a_due_time_worked_example_in_business_hours() -> None:
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    friday = datetime(2024, 6, 7, 16, 0, tzinfo=UTC)
    conversation = Conversation("c1", [Message("m1", friday, "customer")])
    report = sla_compliance(
        [conversation],
        SlaPolicy(first_reply=timedelta(hours=2), calendar=calendar),
        as_of=friday + timedelta(minutes=30),
    )
    (item,) = report.due_next()
    # One open hour on Friday, the second on Monday morning: due Monday 10:00; 1 h 30 min left.
    assert item.due_at == datetime(2024, 6, 10, 10, 0, tzinfo=UTC)
    assert item.margin == timedelta(hours=1, minutes=30)
    with pytest.raises(InvalidParameterError, match="'k'"):
        report.due_next(-1)


# --- exact output, errors and rounding (found unpinned by mutation testing) -----------------------


def test_text_html_and_repr_are_exact() -> None:
    # A due time wider than its column header, so that the alignment of every column shows.
    policy = SlaPolicy(
        first_reply=timedelta(hours=2),
        next_reply=timedelta(minutes=30),
        resolution=timedelta(hours=8),
    )
    report = sla_compliance(mixed(), policy)
    assert str(report) == (
        "SLA compliance as of 2024-05-06T15:50:00+00:00 (wall-clock time)\n"
        "target       due     achieved  breached  pending  compliance\n"
        "first reply  2 h            1         1        1       50.0%\n"
        "next reply   30 min         0         1        0        0.0%\n"
        "resolution   8 h            1         0        2      100.0%\n"
        "overall                     2         2        3       50.0%"
    )
    assert repr(report) == (
        "<SlaReport overall 50.0% (2 achieved, 2 breached, 3 pending); "
        "first reply 50.0%, next reply 0.0%, resolution 100.0%>"
    )
    assert repr(report.next_reply) == (
        "<SlaResult next reply within 30 min: 0.0% (0 achieved, 1 breached, 0 pending)>"
    )
    assert report._repr_html_() == (
        "<table><caption>SLA compliance</caption><tr><th>target</th><th>due</th>"
        "<th>achieved</th><th>breached</th><th>pending</th><th>compliance</th></tr>"
        "<tr><th>first reply</th><td>2 h</td><td>1</td><td>1</td><td>1</td><td>50.0%</td></tr>"
        "<tr><th>next reply</th><td>30 min</td><td>0</td><td>1</td><td>0</td><td>0.0%</td></tr>"
        "<tr><th>resolution</th><td>8 h</td><td>1</td><td>0</td><td>2</td><td>100.0%</td></tr>"
        "<tr><th>overall</th><td></td><td>2</td><td>2</td><td>3</td><td>50.0%</td></tr></table>"
    )


def test_to_dict_is_exact() -> None:
    policy = SlaPolicy(
        first_reply=timedelta(hours=2), next_reply=HOUR, resolution=timedelta(hours=8)
    )
    report = sla_compliance(mixed(), policy)
    as_of = "2024-05-06T15:50:00+00:00"

    def target(name: str, seconds: float, counts: tuple[int, int, int]) -> dict[str, object]:
        achieved, breached, pending = counts
        scored = achieved + breached
        return {
            "target": name,
            "target_seconds": seconds,
            "achieved": achieved,
            "breached": breached,
            "pending": pending,
            "count": achieved + breached + pending,
            "compliance": achieved / scored if scored else None,
            "business_time": False,
            "as_of": as_of,
        }

    assert report.to_dict() == {
        "name": "SLA compliance",
        "achieved": 2,
        "breached": 2,
        "pending": 3,
        "count": 7,
        "compliance": 0.5,
        "targets": {
            "first_reply": target("first_reply", 7200.0, (1, 1, 1)),
            "next_reply": target("next_reply", 3600.0, (0, 1, 0)),
            "resolution": target("resolution", 28800.0, (1, 0, 2)),
        },
        "business_time": False,
        "as_of": as_of,
    }
    # Each per-target result carries the report's as_of.
    for result in report.targets.values():
        assert result.as_of == at(350)


def test_group_summary_columns() -> None:
    policy = SlaPolicy(
        first_reply=timedelta(hours=2), next_reply=HOUR, resolution=timedelta(hours=8)
    )
    by_agent = sla_compliance(mixed(), policy).by("agent")
    # Same counts as test_breakdowns_by_agent_channel_and_period, as one table.
    assert by_agent.summary() == {
        "agent": ["ana", "bo", None],
        "achieved": [2, 0, 0],
        "breached": [0, 1, 1],
        "pending": [0, 2, 1],
        "count": [2, 3, 2],
        "compliance": [1.0, 0.0, 0.0],
    }
    # A group with nothing scored yet has no compliance.
    first = sla_compliance(mixed(), SlaPolicy(first_reply=timedelta(hours=5))).by("agent")
    assert first.summary()["compliance"] == [1.0, None, None]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {},
            "SlaPolicy(): 'first_reply' must be a timedelta for at least one of first_reply, "
            "next_reply and resolution (got None that is a NoneType)",
        ),
        (
            {"next_reply": timedelta(0)},
            "SlaPolicy(): 'next_reply' must be a positive timedelta or None "
            "(got datetime.timedelta(0) that is a timedelta)",
        ),
        (
            {"resolution": timedelta(days=300 * 365)},
            "SlaPolicy(): 'resolution' must be a timedelta shorter than 292 years "
            "(got datetime.timedelta(days=109500) that is a timedelta)",
        ),
        (
            {"first_reply": HOUR, "calendar": "Europe/Berlin"},
            "SlaPolicy(): 'calendar' must be a BusinessCalendar or None "
            "(got 'Europe/Berlin' that is a str)",
        ),
    ],
)
def test_bad_policies_say_what_was_expected_and_given(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameterError) as info:
        SlaPolicy(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_bad_arguments_name_the_function_and_the_value() -> None:
    conversations = [thread("p", 60, None)]
    with pytest.raises(InvalidParameterError) as info:
        sla_compliance(conversations, HOUR)  # type: ignore[arg-type]
    assert str(info.value) == (
        "sla_compliance(): 'policy' must be an SlaPolicy "
        "(got datetime.timedelta(seconds=3600) that is a timedelta)"
    )
    got = (
        "(got datetime.datetime(2024, 5, 6, 10, 0, tzinfo=datetime.timezone.utc) "
        "that is a datetime)"
    )
    with pytest.raises(InvalidParameterError) as info:
        sla_compliance(conversations, SlaPolicy(first_reply=HOUR), as_of=at(0))
    assert str(info.value) == (
        "sla_compliance(): 'as_of' must be a time at or after every pending wait "
        f"(the latest started at 2024-05-06T11:00:00+00:00) {got}"
    )
    with pytest.raises(InvalidParameterError) as info:
        sla_compliance(conversations, SlaPolicy(resolution=HOUR), as_of=at(0))
    assert str(info.value) == (
        "sla_compliance(): 'as_of' must be a time at or after every unresolved conversation's "
        f"first customer message (the latest is at 2024-05-06T11:00:00+00:00) {got}"
    )
    assert (info.value.function, info.value.parameter, info.value.got) == (
        "sla_compliance",
        "as_of",
        at(0),
    )
    report = sla_compliance(conversations, SlaPolicy(first_reply=HOUR))
    with pytest.raises(InvalidParameterError, match=r"^SlaReport\.worst\(\): 'k' must be"):
        report.worst(-1)
    assert report.first_reply is not None
    with pytest.raises(InvalidParameterError, match=r"^SlaResult\.worst\(\): 'k' must be"):
        report.first_reply.worst(-1)


def test_worst_defaults_to_five_and_ties_keep_the_result_order() -> None:
    # 80 conversations: every other one answered 30 minutes late, all with the same margin.
    conversations = [thread(f"c{i:02}", 0, 90 if i % 2 else 30) for i in range(80)]
    report = sla_compliance(conversations, SlaPolicy(first_reply=HOUR))
    late = [item for item in report.items() if item.status == "breached"]
    assert len(late) == 40
    assert report.worst() == late[:5]
    assert report.worst(40) == late
    # The 40 on time follow, in the result's order too.
    on_time = [item for item in report.items() if item.status == "achieved"]
    assert report.worst(80) == late + on_time


def test_a_target_with_microseconds_is_exact() -> None:
    policy = SlaPolicy(first_reply=HOUR + US)
    conversations = [
        Conversation(
            name,
            [
                Message("q", at(0), "customer"),
                Message("a", at(60) + extra, "agent", agent_id="ana"),
            ],
        )
        for name, extra in (("on", US), ("late", 2 * US))
    ]
    report = sla_compliance(conversations, policy)
    assert [(i.conversation_id, i.status, i.margin) for i in report.items()] == [
        ("on", "achieved", timedelta(0)),
        ("late", "breached", -US),
    ]
    assert report.to_dict()["targets"]["first_reply"]["target_seconds"] == 3600.000001


@pytest.mark.parametrize(
    ("extra_ns", "duration_us", "margin_us"),
    [(0, 0, 0), (499, 0, 0), (500, 1, 0), (1_499, 1, -1), (1_500, 2, -1), (2_000, 2, -2)],
)
def test_nanosecond_durations_round_half_up_to_the_microsecond(
    extra_ns: int, duration_us: int, margin_us: int
) -> None:
    # An item's duration and margin are timedeltas (microseconds): the exact nanoseconds are
    # rounded half up; the status is decided on the exact nanoseconds.
    base = np.datetime64("2024-05-06T10:00:00", "ns")
    hour = np.timedelta64(3600, "s").astype("timedelta64[ns]")
    table = MessageTable.from_columns(
        conversation_id=["a", "a"],
        sent_at=np.array([base, base + hour + np.timedelta64(extra_ns, "ns")]),
        author=["customer", "agent"],
        agent_id=[None, "ana"],
    )
    (item,) = sla_compliance(table, SlaPolicy(first_reply=HOUR)).items()
    assert item.status == ("achieved" if extra_ns == 0 else "breached")
    assert item.duration == HOUR + duration_us * US
    # The margin is -extra_ns, rounded half up too: -500 ns is 0 and -1500 ns is -1 us.
    assert item.margin == margin_us * US
