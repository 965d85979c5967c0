"""The content metrics do not depend on the order of the messages: rows of a column table in any
order give the same counts, shares and trends."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from content_strategies import rich_conversations
from socialcare_metrics import (
    Conversation,
    MessageTable,
    customer_sentiment,
    quick_replies,
    topics,
)


def columns(conversations: list[Conversation], order: list[int]) -> MessageTable:
    rows = [(c, m) for c in conversations for m in c.messages]
    rows = [rows[i] for i in order]
    return MessageTable.from_columns(
        conversation_id=[c.id for c, _ in rows],
        sent_at=[m.sent_at for _, m in rows],
        author=[m.author.value for _, m in rows],
        agent_id=[m.agent_id for _, m in rows],
        channel=[m.channel or c.channel for c, m in rows],
        private=[m.private for _, m in rows],
        message_id=[m.id for _, m in rows],
        text=[m.text for _, m in rows],
        tags=[m.tags for _, m in rows],
        sentiment=[m.sentiment for _, m in rows],
        quick_reply=[m.quick_reply for _, m in rows],
        assignee=[c.assignee for c, _ in rows],
    )


def everything(table: MessageTable) -> dict[str, Any]:
    q, s = quick_replies(table), customer_sentiment(table)
    out: dict[str, Any] = {
        "quick replies": q.to_dict(),
        "quick replies per day": q.trend("day").to_dict(),
        "quick replies per agent": q.by("agent").to_dict(),
        "sentiment": s.to_dict(),
        "sentiment per day": s.trend("day").to_dict(),
        "sentiment per topic": s.by_topic(2).to_dict(),
    }
    for per in ("message", "conversation"):
        t = topics(table, per=per)  # type: ignore[arg-type]
        out[per] = t.to_dict()
        out[f"{per} subtopics"] = t.at_level(2).to_dict()
        out[f"{per} per day"] = t.trend("day").to_dict()
        out[f"{per} per channel"] = t.by("channel").to_dict()
    return out


@settings(max_examples=40)
@given(rich_conversations(), st.data())
def test_rows_in_any_order_give_the_same_answers(
    conversations: list[Conversation], data: st.DataObject
) -> None:
    n = sum(len(c.messages) for c in conversations)
    # Messages with equal timestamps keep their given order: keep each conversation's own
    # order, and shuffle how the conversations' rows interleave.
    shuffled = data.draw(st.permutations(range(n)))
    by_conversation: dict[str, list[int]] = {}
    position = 0
    for c in conversations:
        by_conversation[c.id] = list(range(position, position + len(c.messages)))
        position += len(c.messages)
    owner = {i: cid for cid, rows in by_conversation.items() for i in rows}
    queues = {cid: iter(rows) for cid, rows in by_conversation.items()}
    order = [next(queues[owner[i]]) for i in shuffled]
    expected = everything(columns(conversations, list(range(n))))
    assert everything(columns(conversations, order)) == expected
    if conversations:
        assert expected["message"] == topics(conversations).to_dict()
