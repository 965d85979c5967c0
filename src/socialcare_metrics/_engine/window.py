"""Time windows: what a metric sees when it is asked about ``[start, end)`` only.

An item (a wait, a message, a reply, a conversation) belongs to the window in which it opened,
as in period grouping. The end of a window is also the edge of what is known: messages sent at
or after ``end`` have not happened yet, nor have resolutions and actions dated at or after it, so
a wait that a later reply closes is still pending at ``end`` and is aged to it (unless the caller
gives ``as_of``). The start only chooses items: earlier messages still open the waits that later
ones fall into.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from .._core.time import NAT
from .._core.typing import Int64Array
from .._core.validation import check_time
from ..errors import InvalidParameterError
from ..tables.messages import MessageTable

__all__ = ["check_window", "cut_at", "opened_in"]

R = TypeVar("R")


def check_window(start: object, end: object, function: str) -> tuple[int | None, int | None]:
    """``start`` and ``end`` in epoch ns (each ``None`` or an aware datetime; end after start)."""
    lo = check_time(start, function, "start")
    hi = check_time(end, function, "end")
    if lo is not None and hi is not None and hi <= lo:
        raise InvalidParameterError(function, "end", f"a time after 'start' ({start})", end)
    return lo, hi


def cut_at(table: MessageTable, end_ns: int) -> MessageTable:
    """The table as it stood just before ``end_ns``: later messages, resolutions and actions gone.

    Conversations with no message before ``end_ns`` are left out (so are conversations with no
    message at all: nothing places them in time); a resolution or an action at or after it is
    not there yet (``NAT``).
    """
    keep = table.sent_at < end_ns
    late_resolution = table.resolved_at >= end_ns
    late_action = table.actioned_at >= end_ns if table.actioned_at is not None else None
    if (
        keep.all()
        and not late_resolution.any()
        and (late_action is None or not late_action.any())
        and bool((np.diff(table.offsets) > 0).all())
    ):
        return table
    rows = np.flatnonzero(keep)
    old_conversation = table.conversation[rows]
    present = np.zeros(table.n_conversations, dtype=bool)
    present[old_conversation] = True
    new_code = np.cumsum(present, dtype=np.int64) - 1
    conversation: Int64Array = new_code[old_conversation]
    n_conv = int(present.sum())
    offsets = np.zeros(n_conv + 1, dtype=np.int64)
    np.cumsum(np.bincount(conversation, minlength=n_conv), out=offsets[1:])
    resolved_at = np.where(late_resolution, NAT, table.resolved_at)[present]
    actioned_at = (
        np.where(late_action, NAT, table.actioned_at)[rows]
        if table.actioned_at is not None and late_action is not None
        else None
    )
    return part_of(
        table,
        rows,
        conversation,
        np.flatnonzero(present),
        offsets,
        resolved_at=resolved_at,
        actioned_at=actioned_at,
    )


def part_of(
    table: MessageTable,
    rows: Int64Array,
    conversation: Int64Array,
    conversations: Int64Array,
    offsets: Int64Array,
    *,
    resolved_at: Int64Array | None = None,
    actioned_at: Int64Array | None = None,
) -> MessageTable:
    """The table of messages ``rows`` (sorted as a table's rows are) of ``conversations``, with
    their new ``conversation`` codes and ``offsets``; every column kept, names kept.
    ``resolved_at`` (per kept conversation) and ``actioned_at`` (per kept row), when given,
    replace the table's own."""

    def rows_of(values: Any) -> Any:
        return None if values is None else values[rows]

    def conversations_of(values: Any) -> Any:
        return None if values is None else values[conversations]

    return MessageTable(
        conversation=conversation,
        sent_at=table.sent_at[rows],
        author=table.author[rows],
        agent=table.agent[rows],
        channel=table.channel[rows],
        private=table.private[rows],
        row=table.row[rows],
        message_id=rows_of(table.message_id),
        text=rows_of(table.text),
        tags=rows_of(table.tags),
        sentiment=rows_of(table.sentiment),
        quick_reply=rows_of(table.quick_reply),
        actioned_at=actioned_at if actioned_at is not None else rows_of(table.actioned_at),
        conversation_ids=table.conversation_ids[conversations],
        assignee=table.assignee[conversations],
        resolved_at=(resolved_at if resolved_at is not None else table.resolved_at[conversations]),
        conversation_tags=conversations_of(table.conversation_tags),
        offsets=offsets,
        agent_names=table.agent_names,
        channel_names=table.channel_names,
        quick_reply_names=table.quick_reply_names,
    )


def opened_in(result: R, start_ns: int | None) -> R:
    """``result`` without the items that opened before ``start_ns`` (itself when ``None``)."""
    if start_ns is None:
        return result
    item_result: Any = result
    times = item_result._keys.time
    index = np.flatnonzero(times >= start_ns)
    if index.shape[0] == times.shape[0]:
        return result
    subset: R = item_result._subset(index)
    return subset
