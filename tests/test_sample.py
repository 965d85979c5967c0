"""The built-in sample dataset: deterministic, valid, and holding every phenomenon it promises."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    Author,
    Conversation,
    InvalidParameterError,
    Message,
    MessageTable,
)
from socialcare_metrics._sample import SAMPLE_START, sample_conversations

DAY = 86_400


@pytest.fixture(scope="module")
def sample() -> list[Conversation]:
    return sample_conversations()


def public(conv: Conversation) -> list[Message]:
    return [m for m in conv.messages if not m.private]


def waits_of(conv: Conversation) -> Iterator[tuple[list[Message], Message | None]]:
    """A plain reading of the waits: each wait's customer messages and its closing reply."""
    opened: list[Message] = []
    for m in public(conv):
        if m.author is Author.CUSTOMER:
            opened.append(m)
        elif m.author is Author.AGENT and opened:
            yield opened, m
            opened = []
    if opened:
        yield opened, None


def all_waits(sample: list[Conversation]) -> list[tuple[list[Message], Message | None]]:
    return [w for conv in sample for w in waits_of(conv)]


# --- determinism --------------------------------------------------------------------------------


def test_same_seed_gives_identical_data() -> None:
    assert sample_conversations(seed=7, n_conversations=300) == sample_conversations(
        seed=7, n_conversations=300
    )


def test_different_seeds_differ() -> None:
    a = sample_conversations(seed=1, n_conversations=50)
    b = sample_conversations(seed=2, n_conversations=50)
    assert a != b
    assert [c.messages[0].sent_at for c in a] != [c.messages[0].sent_at for c in b]


def test_default_is_seed_zero_with_3000_conversations(sample: list[Conversation]) -> None:
    assert len(sample) == 3000
    assert sample[:20] == sample_conversations(seed=0, n_conversations=3000)[:20]


def _digest_in_subprocess(hash_seed: str) -> str:
    code = (
        "import hashlib; from socialcare_metrics._sample import sample_conversations; "
        "print(hashlib.sha256(repr(sample_conversations(seed=3, n_conversations=80))"
        ".encode()).hexdigest())"
    )
    env = {"PYTHONHASHSEED": hash_seed, "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def test_output_does_not_depend_on_the_process() -> None:
    # Another interpreter with another string-hash seed (set iteration order) and another "now".
    here = hashlib.sha256(
        repr(sample_conversations(seed=3, n_conversations=80)).encode()
    ).hexdigest()
    assert _digest_in_subprocess("1") == here
    assert _digest_in_subprocess("12345") == here


# --- shape and validity -------------------------------------------------------------------------


@given(seed=st.integers(0, 2**63), n=st.integers(0, 25))
def test_every_record_is_valid(seed: int, n: int) -> None:
    conversations = sample_conversations(seed=seed, n_conversations=n)
    assert len(conversations) == n
    assert [c.id for c in conversations] == [f"c{i:05d}" for i in range(1, n + 1)]
    firsts = [c.messages[0].sent_at for c in conversations]
    assert firsts == sorted(firsts)
    for conv in conversations:
        attrs.validate(conv)  # re-runs every validator of the record
        assert conv.messages
        assert conv.channel is not None
        for message in conv.messages:
            attrs.validate(message)
            assert message.sent_at.utcoffset() == timedelta(0)
            assert message.sent_at >= SAMPLE_START
            if message.actioned_at is not None:
                assert message.actioned_at >= message.sent_at
            if message.private:
                assert message.author is Author.AGENT
            if message.author is Author.AGENT:
                assert message.agent_id is not None
            else:
                assert message.agent_id is None
        if conv.resolved_at is not None:
            assert conv.resolved_at >= conv.messages[-1].sent_at
    # The table accepts the whole sample at once (conversation ids are unique).
    assert MessageTable.from_conversations(conversations).n_conversations == n


def test_dates_are_fixed(sample: list[Conversation]) -> None:
    times = [m.sent_at for c in sample for m in c.messages]
    assert min(times) >= SAMPLE_START
    # Four weeks of arrivals; the last replies may spill into the Monday after.
    assert max(c.messages[0].sent_at for c in sample) < SAMPLE_START + timedelta(days=28)
    assert max(times) < SAMPLE_START + timedelta(days=31)
    assert SAMPLE_START.weekday() == 0


def test_zero_conversations_is_empty() -> None:
    assert sample_conversations(n_conversations=0) == []


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"seed": -1}, "seed"),
        ({"seed": "1"}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": 1.0}, "seed"),
        ({"n_conversations": -1}, "n_conversations"),
        ({"n_conversations": 2.5}, "n_conversations"),
        ({"n_conversations": None}, "n_conversations"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], parameter: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        sample_conversations(**kwargs)  # type: ignore[arg-type]
    assert info.value.parameter == parameter
    assert "sample_conversations()" in str(info.value)
    assert "an int >= 0" in str(info.value)


# --- the phenomena ------------------------------------------------------------------------------


def test_has_customer_bursts(sample: list[Conversation]) -> None:
    first_waits = [next(waits_of(c), None) for c in sample]
    bursts = [w for w in first_waits if w is not None and len(w[0]) >= 2]
    assert bursts
    assert any(len(w[0]) >= 4 for w in bursts)


def test_has_pending_waits(sample: list[Conversation]) -> None:
    pending = [w for w in all_waits(sample) if w[1] is None]
    assert pending
    # Some threads were never answered at all, and some got an action instead of a reply.
    assert any(all(m.author is not Author.AGENT for m in public(c)) for c in sample)
    assert any(m.actioned_at is not None for opened, _ in pending for m in opened)


def test_has_private_notes(sample: list[Conversation]) -> None:
    notes = [m for c in sample for m in c.messages if m.private]
    assert notes
    assert all(m.author is Author.AGENT for m in notes)


def test_has_bots_and_quick_replies(sample: list[Conversation]) -> None:
    bots = [m for c in sample for m in c.messages if m.author is Author.BOT]
    assert bots
    picks = [m for c in sample for m in c.messages if m.quick_reply is not None]
    assert picks
    assert all(m.author is Author.CUSTOMER for m in picks)
    assert len({m.quick_reply for m in picks}) >= 3


def test_has_proactive_posts(sample: list[Conversation]) -> None:
    proactive = [c for c in sample if c.messages[0].author is Author.AGENT]
    assert proactive
    assert any(len(public(c)) == 1 for c in proactive)  # a post nobody answered
    assert any(any(m.author is Author.CUSTOMER for m in c.messages) for c in proactive)


def test_has_overnight_and_weekend_replies(sample: list[Conversation]) -> None:
    closed = [(opened[0].sent_at, reply.sent_at) for opened, reply in all_waits(sample) if reply]
    overnight = [
        (a, b)
        for a, b in closed
        if b.date() > a.date() and a.weekday() < 4 and b - a > timedelta(hours=8)
    ]
    assert overnight
    weekend_replies = [b for _, b in closed if b.weekday() == 5]
    assert weekend_replies
    # Sent on Saturday afternoon or Sunday, answered on Monday.
    over_weekend = [(a, b) for a, b in closed if a.weekday() >= 5 and b.weekday() == 0]
    assert over_weekend
    assert max(b - a for a, b in over_weekend) > timedelta(days=1)


def test_most_waits_are_short(sample: list[Conversation]) -> None:
    # Business-hours traffic answered on shift: the typical wait is minutes, not hours.
    durations = sorted(
        (reply.sent_at - opened[0].sent_at).total_seconds()
        for opened, reply in all_waits(sample)
        if reply
    )
    assert durations[len(durations) // 2] < 3600
    assert durations[-1] > 12 * 3600


def test_arrivals_are_business_hours_heavy(sample: list[Conversation]) -> None:
    starts = [c.messages[0].sent_at for c in sample]
    weekday_day = sum(1 for t in starts if t.weekday() < 5 and 9 <= t.hour < 17)
    night = sum(1 for t in starts if t.hour < 6)
    evening = sum(1 for t in starts if 18 <= t.hour < 24)
    weekend = sum(1 for t in starts if t.weekday() >= 5)
    # 8 weekday hours hold more than the 6 night hours of all seven days, several times over.
    assert weekday_day > 4 * night
    assert evening > 0
    assert night > 0
    assert weekend > 0


def test_has_channels_agents_and_assignees(sample: list[Conversation]) -> None:
    channels = {c.channel for c in sample}
    assert {"twitter", "facebook", "instagram"} <= channels
    agents = {m.agent_id for c in sample for m in c.messages if m.agent_id is not None}
    assert len(agents) >= 5
    assignees = [c.assignee for c in sample]
    assert sum(a is not None for a in assignees) > len(sample) // 2
    assert None in assignees
    # Handoffs: some conversations are answered by more than one agent.
    assert any(len({m.agent_id for m in c.messages if m.agent_id}) >= 2 for c in sample)


def test_has_resolutions_tags_and_sentiment(sample: list[Conversation]) -> None:
    resolved = [c for c in sample if c.resolved_at is not None]
    assert 0 < len(resolved) < len(sample)
    topics = {tag for c in sample for tag in c.tags}
    assert "billing/refund" in topics
    assert all("/" in tag for tag in topics)
    assert len({tag.split("/")[0] for tag in topics}) >= 3
    assert any(m.tags for c in sample for m in c.messages)
    customer = [m for c in sample for m in c.messages if m.author is Author.CUSTOMER]
    scores = [m.sentiment for m in customer if m.sentiment is not None]
    assert 0 < len(scores) < len(customer)
    assert min(scores) < -0.05
    assert max(scores) > 0.05
    assert all(
        m.sentiment is None for c in sample for m in c.messages if m.author is not Author.CUSTOMER
    )
