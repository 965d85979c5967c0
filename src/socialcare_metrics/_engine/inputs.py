"""Metric inputs: a table, one conversation or an iterable of conversations, as a table."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import InvalidParameterError
from ..records import Conversation
from ..tables.messages import MessageTable

Data = MessageTable | Conversation | Iterable[Conversation]


def as_table(data: Data, function: str) -> MessageTable:
    """Accept a table, one conversation or an iterable of conversations."""
    if isinstance(data, MessageTable):
        return data
    if isinstance(data, Conversation):
        return MessageTable.from_conversations([data])
    candidate: object = data
    if isinstance(candidate, str | bytes) or not isinstance(candidate, Iterable):
        raise InvalidParameterError(
            function, "data", "a MessageTable or an iterable of Conversation", data
        )
    return MessageTable.from_conversations(data)
