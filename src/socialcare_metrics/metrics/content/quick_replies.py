"""Most used quick replies: the options customers picked from a bot's quick replies."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ..._engine.content import customer_rows
from ..._engine.inputs import Data, message_inputs
from ..._engine.window import opened_in
from ...results._grouping import GroupKeys
from ...results.quick_replies import QuickReplyResult

__all__ = ["quick_replies"]


def quick_replies(
    data: Data, /, *, start: datetime | None = None, end: datetime | None = None
) -> QuickReplyResult:
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
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

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
    table, _, window_start = message_inputs(data, "quick_replies", start=start, end=end)
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
    return opened_in(
        QuickReplyResult(option_names=table.quick_reply_names, option=option, keys=keys),
        window_start,
    )
