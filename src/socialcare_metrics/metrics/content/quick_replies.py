"""Most used quick replies: the options customers picked from a bot's quick replies."""

from __future__ import annotations

import numpy as np

from ..._engine.content import customer_rows
from ..._engine.inputs import Data, message_inputs
from ...results._grouping import GroupKeys
from ...results.quick_replies import QuickReplyResult

__all__ = ["quick_replies"]


def quick_replies(data: Data, /) -> QuickReplyResult:
    """Most used quick replies: how often customers picked each quick-reply option.

    Counts the public customer messages that picked a quick reply (a message's
    ``quick_reply``), per option. An option's share is its count over all the quick replies
    picked, so the shares add up to 1. [`top(n)`][socialcare_metrics.QuickReplyResult.top]
    ranks the options, [`trend(period)`][socialcare_metrics.QuickReplyResult.trend] gives
    each option's count and share per period with the change from the period before.

    Grouped by agent, a message belongs to its conversation's assignee; by channel, to its own
    channel; by period, to when it was sent.

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].

    Returns:
        A [`QuickReplyResult`][socialcare_metrics.QuickReplyResult].

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "bot", text="How can we help?"),
        ...     Message("m2", t0 + timedelta(seconds=5), "customer", quick_reply="Track order"),
        ...     Message("m3", t0 + timedelta(seconds=9), "customer", quick_reply="Track order"),
        ...     Message("m4", t0 + timedelta(seconds=20), "customer", quick_reply="Billing"),
        ... ])
        >>> result = quick_replies([conv])
        >>> result.count, result.counts()
        (3, {'Track order': 2, 'Billing': 1})
        >>> print(result)
        option       count  share
        Track order      2  66.7%
        Billing          1  33.3%
    """
    table, _ = message_inputs(data, "quick_replies")
    rows = customer_rows(table)
    rows = rows[:0] if table.quick_reply is None else rows[table.quick_reply[rows] >= 0]
    keys = GroupKeys(
        agent=table.assignee[table.conversation[rows]].astype(np.int32, copy=False),
        agent_names=table.agent_names,
        channel=table.channel[rows],
        channel_names=table.channel_names,
        time=table.sent_at[rows],
    )
    option = np.zeros(0, dtype=np.int32) if table.quick_reply is None else table.quick_reply[rows]
    return QuickReplyResult(option_names=table.quick_reply_names, option=option, keys=keys)
