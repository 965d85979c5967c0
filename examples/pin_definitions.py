"""Pin the definitions your project relies on, in your own CI.

A project built on socialcare_metrics (a dashboard, a reporting pipeline) relies on what its
numbers mean: what a wait is, how a mean is rounded and shown, what counts towards SLA compliance.
Copy this file into your tests (as ``test_socialcare_definitions.py``, say). Its property tests
draw random conversations with `socialcare_metrics.testing` (bursts, ties, bots, private notes,
unanswered threads) and check the library against the definitions written out here in a few
lines of plain Python; if an upgrade ever changed one, your CI fails on this file instead of your
reports changing quietly.

Run it with ``python examples/pin_definitions.py [PYTEST OPTIONS]`` (it runs pytest on itself) or
with ``pytest examples/pin_definitions.py``. Needs the ``test`` extra (pytest and hypothesis).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings

from socialcare_metrics import (
    Author,
    Conversation,
    Message,
    SlaPolicy,
    first_reply_time,
    reply_wait_time,
    sample_conversations,
    sla_compliance,
)
from socialcare_metrics.reports import team_report
from socialcare_metrics.testing import conversation_lists

# Thirty lists of conversations per property: enough to catch a changed definition on every
# push, quick enough not to be noticed.
PINNED = settings(max_examples=30, deadline=None)
TARGET = timedelta(hours=1)
MICROSECOND = timedelta(microseconds=1)

Wait = tuple[datetime, datetime | None]  # when it opened, when a reply closed it (None: pending)


def waits_of(conversation: Conversation) -> list[Wait]:
    """The waits of a conversation, as we rely on them.

    In time order (equal times in the order given): a public customer message opens a wait when
    none is open, and the next public agent reply closes it. Bot messages and private notes
    neither open nor close one. A wait still open at the end is pending.
    """
    waits: list[Wait] = []
    opened: datetime | None = None
    for message in conversation.messages:
        if message.private:
            continue
        if message.author is Author.CUSTOMER and opened is None:
            opened = message.sent_at
        elif message.author is Author.AGENT and opened is not None:
            waits.append((opened, message.sent_at))
            opened = None
    if opened is not None:
        waits.append((opened, None))
    return waits


def latest(conversations: list[Conversation]) -> datetime | None:
    """The latest message: what pending waits are aged to here."""
    return max((m.sent_at for c in conversations for m in c.messages), default=None)


def whole_units(duration: timedelta) -> str:
    """How a duration is shown: whole seconds under a minute, else days, hours and minutes, the
    rest cut off (not rounded)."""
    seconds = duration // timedelta(seconds=1)
    if seconds < 60:
        return f"{seconds} s"
    days, rest = divmod(seconds // 60, 24 * 60)
    parts = zip((days, *divmod(rest, 60)), ("d", "h", "min"), strict=True)
    return " ".join(f"{n} {unit}" for n, unit in parts if n)


def test_the_articles_example() -> None:
    """Replies after 5 and 10 minutes: the mean wait is 7 min 30 s, shown as "7 min"."""
    t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    conversation = Conversation(
        "c1",
        [
            Message("m1", t0, "customer"),
            Message("m2", t0 + timedelta(minutes=5), "agent", agent_id="ana"),
            Message("m3", t0 + timedelta(minutes=6), "customer"),
            Message("m4", t0 + timedelta(minutes=16), "agent", agent_id="ana"),
        ],
    )
    waits = reply_wait_time([conversation])
    assert waits.mean == timedelta(minutes=7, seconds=30)
    assert str(waits) == "7 min"
    assert first_reply_time([conversation]).mean == timedelta(minutes=5)


@PINNED
@given(conversation_lists())
def test_reply_wait_time_is_the_mean_of_every_wait(conversations: list[Conversation]) -> None:
    waits = [w for c in conversations for w in waits_of(c)]
    closed = [end - start for start, end in waits if end is not None]
    result = reply_wait_time(conversations, as_of=latest(conversations))
    assert (result.count, result.pending) == (len(closed), len(waits) - len(closed))
    assert sorted(result.nanoseconds.tolist()) == sorted(d // MICROSECOND * 1000 for d in closed)
    if not closed:
        assert result.mean is None
        assert str(result) == "n/a"
        return
    # The exact arithmetic mean, rounded half up to the microsecond ...
    exact = Fraction(sum(d // MICROSECOND for d in closed), len(closed))
    assert result.mean == int(exact + Fraction(1, 2)) * MICROSECOND
    # ... shown in whole units, cut off: 7 min 30 s is "7 min".
    assert str(result) == whole_units(result.mean)


@PINNED
@given(conversation_lists())
def test_first_reply_time_is_each_conversations_first_wait(
    conversations: list[Conversation],
) -> None:
    firsts = [waits[0] for waits in map(waits_of, conversations) if waits]
    closed = sorted(end - start for start, end in firsts if end is not None)
    first = first_reply_time(conversations, as_of=latest(conversations))
    assert (first.count, first.pending) == (len(closed), len(firsts) - len(closed))
    assert sorted(first.nanoseconds.tolist()) == [d // MICROSECOND * 1000 for d in closed]
    # So it is never longer than the longest reply wait, nor than the longest conversation.
    if first.max is not None:
        waits = reply_wait_time(conversations)
        assert waits.max is not None
        assert first.max <= waits.max
        spans = [
            c.messages[-1].sent_at - c.messages[0].sent_at for c in conversations if c.messages
        ]
        assert first.max <= max(spans)


def test_a_reply_exactly_at_the_target_is_achieved() -> None:
    t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
    conversations = [
        Conversation(
            cid,
            [
                Message("q", t0, "customer"),
                Message("a", t0 + TARGET + extra, "agent", agent_id="ana"),
            ],
        )
        for cid, extra in (("on-time", timedelta(0)), ("late", MICROSECOND))
    ]
    report = sla_compliance(conversations, SlaPolicy(first_reply=TARGET))
    assert (report.achieved, report.breached, report.compliance) == (1, 1, 0.5)


@PINNED
@given(conversation_lists())
def test_sla_compliance_is_achieved_over_achieved_and_breached(
    conversations: list[Conversation],
) -> None:
    as_of = latest(conversations)
    firsts = [waits[0] for waits in map(waits_of, conversations) if waits]
    report = sla_compliance(conversations, SlaPolicy(first_reply=TARGET), as_of=as_of)
    # Within the target (at it included) is achieved; after it, or still open and already older
    # than it, is breached; open and not older yet is pending, and is not scored.
    achieved = sum(end is not None and end - start <= TARGET for start, end in firsts)
    breached = sum(
        (end is not None and end - start > TARGET)
        or (end is None and as_of is not None and as_of - start > TARGET)
        for start, end in firsts
    )
    assert (report.achieved, report.breached) == (achieved, breached)
    assert report.pending == len(firsts) - achieved - breached
    if achieved + breached:
        assert report.compliance == achieved / (achieved + breached)
    else:
        assert report.compliance is None


def test_the_report_schema_version() -> None:
    """Code that reads the reports' JSON reads version 1: a new version changes a field."""
    data = team_report(sample_conversations(seed=0, n_conversations=50)).to_dict()
    assert (data["schema"], data["version"]) == ("socialcare_metrics.team_report", 1)
    assert data["sections"]["agents"][-1]["agent"] == "(all)"


if __name__ == "__main__":
    # Run as a script: pytest on this file, in a fresh interpreter. (pytest.main() here would
    # start after hypothesis was imported, too late for pytest to rewrite the assertions of
    # hypothesis' plugin, and it says so in a warning that strict settings make an error.)
    import subprocess
    import sys

    pytest_args = [__file__, "-q", "-p", "no:cacheprovider", *sys.argv[1:]]
    raise SystemExit(subprocess.call([sys.executable, "-m", "pytest", *pytest_args]))
