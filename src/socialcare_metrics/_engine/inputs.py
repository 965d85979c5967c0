"""Metric inputs: a table, one conversation or an iterable of conversations, as a table."""

from __future__ import annotations

from collections.abc import Iterable

from .._core.validation import check_bool, check_records
from ..records import Conversation
from ..tables.messages import MessageTable
from .durations import check_calendar
from .waits import as_of_ns

#: What every message metric takes: a table, one conversation, or conversations.
Data = MessageTable | Conversation | Iterable[Conversation]


def as_table(data: Data, function: str) -> MessageTable:
    """Accept a table, one conversation or an iterable of conversations."""
    if isinstance(data, MessageTable):
        return data
    if isinstance(data, Conversation):
        return MessageTable.from_conversations([data])
    conversations = check_records(
        data, Conversation, function, "data", "a MessageTable or an iterable of Conversation"
    )
    return MessageTable.from_conversations(conversations)


def message_inputs(
    data: Data,
    function: str,
    *,
    bot_replies: object = False,
    calendar: object = None,
    as_of: object = None,
) -> tuple[MessageTable, int | None]:
    """The opening of every message metric: check the shared options, then build the table.

    Options are checked before the (possibly costly) conversion of records, so a bad option
    fails fast. Returns the table and ``as_of`` in epoch ns (``None``: not given).
    """
    check_bool(bot_replies, function, "bot_replies")
    check_calendar(calendar, function)
    as_of_value = as_of_ns(as_of, function)
    return as_table(data, function), as_of_value
