"""A slow, obviously correct pure-Python reference of the content metrics.

It reads the records one message at a time, exactly as the definitions read; the vectorised
metrics are checked against it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date

from socialcare_metrics import Author, Conversation, Message


def customer_messages(conversations: Sequence[Conversation]) -> list[tuple[Conversation, Message]]:
    """Public customer messages, with their conversation."""
    return [
        (c, m)
        for c in conversations
        for m in c.messages
        if m.author is Author.CUSTOMER and not m.private
    ]


def utc_day(message: Message) -> date:
    return message.sent_at.astimezone(UTC).date()


def quick_reply_counts(conversations: Sequence[Conversation]) -> Counter[str]:
    return Counter(
        m.quick_reply for _, m in customer_messages(conversations) if m.quick_reply is not None
    )


def normalize(path: str) -> str | None:
    parts = [p.strip() for p in path.split("/")]
    parts = [p for p in parts if p]
    return "/".join(parts) if parts else None


def topics_of(tags: Sequence[str], level: int) -> set[str]:
    out = set()
    for tag in tags:
        path = normalize(tag)
        if path is None:
            continue
        parts = path.split("/")
        if len(parts) >= level:
            out.add("/".join(parts[:level]))
    return out


@dataclass
class TopicItem:
    tags: tuple[str, ...]
    agent: str | None
    channel: str | None
    day: date


def topic_items(conversations: Sequence[Conversation], per: str) -> list[TopicItem]:
    """The items topics are counted over, with all their tags."""
    items = []
    if per == "message":
        for c, m in customer_messages(conversations):
            items.append(TopicItem(m.tags, c.assignee, m.channel or c.channel, utc_day(m)))
        return items
    for c in conversations:
        mine = [m for m in c.messages if m.author is Author.CUSTOMER and not m.private]
        if not mine:
            continue
        tags = c.tags + tuple(t for m in mine for t in m.tags)
        items.append(TopicItem(tags, c.assignee, mine[0].channel or c.channel, utc_day(mine[0])))
    return items


def topic_counts(items: Sequence[TopicItem], level: int) -> Counter[str]:
    return Counter(t for item in items for t in topics_of(item.tags, level))


def untagged(items: Sequence[TopicItem]) -> int:
    return sum(1 for item in items if not any(normalize(t) for t in item.tags))


@dataclass
class SentimentCounts:
    scored: int
    unscored: int
    positive: int
    neutral: int
    negative: int


def sentiment_counts(
    messages: Sequence[Message], positive: float = 0.05, negative: float = -0.05
) -> SentimentCounts:
    scores = [m.sentiment for m in messages]
    scored = [s for s in scores if s is not None]
    pos = sum(1 for s in scored if s >= positive)
    neg = sum(1 for s in scored if s <= negative)
    return SentimentCounts(
        len(scored), len(scores) - len(scored), pos, len(scored) - pos - neg, neg
    )
