"""The one resolution rule, and the resolution items built on it.

A conversation is resolved when it has a ``resolved_at`` and no public customer message was sent
strictly after it: a customer who writes again after the resolution reopens the conversation,
and it stays open until it is resolved again. A customer message at exactly ``resolved_at`` does
not reopen it; private notes never do (they are not messages received). Resolution rate,
resolution time and the resolution target of an SLA all read `conversation_resolved`.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_CUSTOMER
from .._core.time import NAT
from .._core.typing import BoolArray, Int64Array
from ..tables.messages import MessageTable

__all__ = ["ResolutionItems", "conversation_resolved", "resolution_items"]


def _customer_rows(table: MessageTable) -> npt.NDArray[np.intp]:
    """The rows of public customer messages (what "messages received" counts), in table order."""
    return np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)


def _resolved(table: MessageTable, rows: npt.NDArray[np.intp]) -> BoolArray:
    """Per conversation, the rule above, given the public customer rows of ``table``."""
    resolved: BoolArray = table.resolved_at != NAT
    if rows.shape[0] == 0:
        return resolved
    conversation = table.conversation[rows]
    # Rows are sorted by conversation then time: a conversation's last customer row is the one
    # whose successor (among customer rows) belongs to another conversation.
    last = np.ones(rows.shape[0], dtype=bool)
    np.not_equal(conversation[1:], conversation[:-1], out=last[:-1])
    last_conversation = conversation[last]
    reopened = table.sent_at[rows[last]] > table.resolved_at[last_conversation]
    resolved[last_conversation[reopened]] = False
    return resolved


def conversation_resolved(table: MessageTable) -> BoolArray:
    """Per conversation (in code order), whether it is resolved: the library's one rule.

    It has a ``resolved_at`` and no public customer message came strictly after it.
    """
    return _resolved(table, _customer_rows(table))


@attrs.frozen(eq=False)
class ResolutionItems:
    """One item per conversation that has a public customer message, in conversation order.

    ``end`` is ``resolved_at`` where the conversation is resolved (`conversation_resolved`) and
    `NAT` where it is not.
    """

    conversation: Int64Array  # conversation code
    row: npt.NDArray[np.intp]  # table row of the customer's first public message
    start: Int64Array  # epoch ns of that message
    end: Int64Array  # epoch ns of resolved_at, NAT while unresolved
    resolved: BoolArray


def resolution_items(table: MessageTable) -> ResolutionItems:
    """The resolution items of ``table`` (vectorised: one pass over the customer rows)."""
    rows = _customer_rows(table)
    resolved_conversations = _resolved(table, rows)
    conversation = table.conversation[rows]
    # A conversation's first customer row is the one whose predecessor (among customer rows)
    # belongs to another conversation.
    first = np.ones(rows.shape[0], dtype=bool)
    np.not_equal(conversation[1:], conversation[:-1], out=first[1:])
    rows = rows[first]
    conversation = conversation[first].astype(np.int64, copy=False)
    resolved = resolved_conversations[conversation]
    # The rule implies resolved_at >= the first customer message: the last one is not after it.
    return ResolutionItems(
        conversation=conversation,
        row=rows,
        start=table.sent_at[rows],
        end=np.where(resolved, table.resolved_at[conversation], NAT).astype(np.int64, copy=False),
        resolved=resolved,
    )
