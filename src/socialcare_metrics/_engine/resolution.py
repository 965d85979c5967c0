"""Resolution items: one per conversation with a customer message, from its first customer
message to ``resolved_at``."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from .._core.columns import AUTHOR_CUSTOMER
from .._core.time import NAT
from .._core.typing import Int64Array
from ..tables.messages import MessageTable

__all__ = ["ResolutionItems", "resolution_items"]


@attrs.frozen(eq=False)
class ResolutionItems:
    """One item per conversation that has a public customer message, in conversation order.

    ``end`` is ``resolved_at`` where the conversation is resolved (at or after ``start``) and
    `NAT` where it is not.
    """

    conversation: Int64Array  # conversation code
    row: npt.NDArray[np.intp]  # table row of the customer's first public message
    start: Int64Array  # epoch ns of that message
    end: Int64Array  # epoch ns of resolved_at, NAT while unresolved
    resolved: npt.NDArray[np.bool_]


def resolution_items(table: MessageTable) -> ResolutionItems:
    """The resolution items of ``table`` (vectorised: one pass over the customer rows)."""
    rows = np.flatnonzero((table.author == AUTHOR_CUSTOMER) & ~table.private)
    conversation = table.conversation[rows]
    # Rows are sorted by conversation then time: a conversation's first customer row is the one
    # whose predecessor (among customer rows) belongs to another conversation.
    first = np.ones(rows.shape[0], dtype=bool)
    np.not_equal(conversation[1:], conversation[:-1], out=first[1:])
    rows = rows[first]
    conversation = conversation[first].astype(np.int64, copy=False)
    start = table.sent_at[rows]
    resolved_at = table.resolved_at[conversation]
    resolved = (resolved_at != NAT) & (resolved_at >= start)
    return ResolutionItems(
        conversation=conversation,
        row=rows,
        start=start,
        end=np.where(resolved, resolved_at, NAT).astype(np.int64, copy=False),
        resolved=resolved,
    )
