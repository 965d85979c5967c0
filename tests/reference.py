"""A slow, obviously correct pure-Python reference of the waits.

It walks each conversation's messages one by one, exactly as the definition reads. The vectorised
engine is checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from socialcare_metrics import Author, Conversation


@dataclass(frozen=True)
class RefWait:
    conversation_id: str
    opened_at: datetime
    closed_at: datetime | None  # None: pending
    first: bool
    agent_id: str | None  # who closed it (pending: the conversation's assignee)
    channel: str | None  # channel of the opening message
    n_messages: int  # customer messages inside the wait
    duration: timedelta  # closed: closed_at - opened_at; pending: as_of - opened_at

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def latest_timestamp(conversations: Sequence[Conversation]) -> datetime | None:
    times = [m.sent_at for c in conversations for m in c.messages]
    return max(times) if times else None


def reference_waits(
    conversations: Sequence[Conversation],
    *,
    bot_replies: bool = False,
    as_of: datetime | None = None,
) -> list[RefWait]:
    if as_of is None:
        as_of = latest_timestamp(conversations)
    waits: list[RefWait] = []
    for conv in conversations:
        opened = None  # the message that opened the current wait
        count = 0
        first = True
        for m in conv.messages:
            if m.private:
                continue
            is_reply = m.author is Author.AGENT or (bot_replies and m.author is Author.BOT)
            if m.author is Author.CUSTOMER:
                if opened is None:
                    opened, count = m, 1
                else:
                    count += 1
            elif is_reply and opened is not None:
                waits.append(
                    RefWait(
                        conv.id,
                        opened.sent_at,
                        m.sent_at,
                        first,
                        m.agent_id,
                        opened.channel or conv.channel,
                        count,
                        m.sent_at - opened.sent_at,
                    )
                )
                first, opened, count = False, None, 0
        if opened is not None:
            assert as_of is not None
            waits.append(
                RefWait(
                    conv.id,
                    opened.sent_at,
                    None,
                    first,
                    conv.assignee,
                    opened.channel or conv.channel,
                    count,
                    as_of - opened.sent_at,
                )
            )
    return waits


def replied_message_ids(
    conversations: Sequence[Conversation], **options: bool
) -> set[tuple[str, str]]:
    """(conversation id, message id) of every customer message inside a closed wait."""
    out: set[tuple[str, str]] = set()
    for conv in conversations:
        pending: list[str] = []
        for m in conv.messages:
            if m.private:
                continue
            if m.author is Author.CUSTOMER:
                pending.append(m.id)
            elif m.author is Author.AGENT or (
                options.get("bot_replies") and m.author is Author.BOT
            ):
                out.update((conv.id, i) for i in pending)
                pending = []
    return out


def reference_resolved(conv: Conversation) -> bool:
    """Whether a conversation is resolved: it has a resolved_at and no public customer message
    was sent strictly after it (one at exactly resolved_at does not reopen it)."""
    if conv.resolved_at is None:
        return False
    for m in conv.messages:
        if m.author is Author.CUSTOMER and not m.private and m.sent_at > conv.resolved_at:
            return False
    return True
