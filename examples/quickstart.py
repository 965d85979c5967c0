"""Quickstart: the source articles' reply-wait example, then the built-in sample dataset.

Run it with ``python examples/quickstart.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialcare_metrics import (
    Conversation,
    Message,
    first_reply_time,
    format_duration,
    reply_wait_time,
    sample_conversations,
)

# "If you take 5 minutes to answer their first message and 10 minutes to answer the second,
# the average reply wait time is 7 minutes."
t0 = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return t0 + timedelta(minutes=minutes)


conversation = Conversation(
    "c1",
    [
        Message("m1", at(0), "customer", text="My order hasn't arrived."),
        Message("m2", at(5), "agent", agent_id="ana", text="Sorry! Can you DM the number?"),
        Message("m3", at(6), "customer", text="Sent."),
        Message("m4", at(16), "agent", agent_id="ana", text="Found it: it ships today."),
    ],
    channel="twitter",
)

waits = reply_wait_time([conversation])
print("The articles' example")
print(f"  first reply time: {first_reply_time([conversation])}")
print(f"  reply wait time:  {waits}  (exact mean {waits.mean}, over {waits.count} waits)")

# Four weeks of generated conversations: several channels, a weekday team and a weekend rota.
sample = sample_conversations(seed=0)
print()
print(f"The sample dataset: {len(sample)} conversations")
for result in (first_reply_time(sample), reply_wait_time(sample)):
    print(
        f"  {result.name}: mean {result}, median {format_duration(result.median)}, "
        f"p90 {format_duration(result.p90)} over {result.count} waits, {result.pending} pending"
    )
slowest = first_reply_time(sample).slowest(3)
print(
    "  slowest first replies: "
    + ", ".join(f"{s.conversation_id} ({format_duration(s.duration)})" for s in slowest)
)
