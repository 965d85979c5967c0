"""Metric inputs: a table, one conversation or an iterable of conversations, as a table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .._core.validation import check_bool, check_records
from ..records import Conversation
from ..tables.messages import MessageTable
from .durations import check_calendar
from .waits import as_of_ns
from .window import check_window, cut_at

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


class Inputs(NamedTuple):
    """What a message metric computes on: the table (cut at the window's end), ``as_of`` and the
    window's start, in epoch ns (``None``: not given)."""

    table: MessageTable
    as_of: int | None
    start: int | None


def message_inputs(
    data: Data,
    function: str,
    *,
    bot_replies: object = False,
    calendar: object = None,
    as_of: object = None,
    start: object = None,
    end: object = None,
) -> Inputs:
    """The opening of every message metric: check the shared options, then build the table.

    Options are checked before the (possibly costly) conversion of records, so a bad option
    fails fast. With an ``end``, the table is cut there (what happened later is not known yet)
    and ``as_of`` defaults to it; the metric keeps the items opened at or after ``start`` with
    `window.opened_in`.
    """
    check_bool(bot_replies, function, "bot_replies")
    check_calendar(calendar, function)
    as_of_value = as_of_ns(as_of, function)
    lo, hi = check_window(start, end, function)
    table = as_table(data, function)
    if hi is not None:
        table = cut_at(table, hi)
        if as_of_value is None:
            as_of_value = hi
    return Inputs(table, as_of_value, lo)
