"""Top topics and subtopics, from the tag paths of messages and conversations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import numpy as np

from ..._engine.content import (
    conversation_tag_sets,
    customer_columns,
    message_tag_sets,
)
from ..._engine.inputs import Data, message_inputs
from ..._engine.window import opened_in
from ...errors import InvalidParameterError
from ...results._content import ItemTags
from ...results._grouping import GroupKeys
from ...results.topics import TopicResult, check_level
from ...tagging import Rule, TopicRules, _tagged, as_rules

__all__ = ["topics"]


def topics(
    data: Data,
    /,
    *,
    per: Literal["message", "conversation"] = "message",
    level: int = 1,
    rules: TopicRules | Mapping[str, Rule] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> TopicResult:
    """Top topics and subtopics: how many customer messages (or conversations) carry each.

    Tags are topic paths, ``topic/subtopic/...``, of any depth. At ``level=1`` the tag
    ``billing/refund`` counts for the topic ``billing``; at ``level=2`` for the subtopic
    ``billing/refund``; a path with fewer parts than the level counts for nothing at that
    level. An item counts once per topic, however many of its tags lead to it. Paths are
    compared after stripping the space around each part (``"billing / refund"`` is
    ``"billing/refund"``); case matters.

    - ``per="message"``: items are the public customer messages; a message's topics are its
      own tags (its conversation's tags are not spread over its messages).
    - ``per="conversation"``: items are the conversations with at least one public customer
      message; a conversation's topics are its own tags together with those of its public
      customer messages, and it counts once per topic.

    A topic's share is its count over every item counted, tagged or not; the share of items
    without any tag is [`untagged_share`][socialcare_metrics.TopicResult.untagged_share].

    Grouped by agent, an item belongs to the conversation's assignee; by channel and by
    period, to the channel and time of the message (for a conversation: of its first public
    customer message).

    Args:
        data: Conversations, or a [`MessageTable`][socialcare_metrics.MessageTable].
        per: ``"message"`` or ``"conversation"``: what is counted.
        level: The depth of the topics: 1 topics, 2 subtopics, and so on.
        rules: Tag the messages from their text first, with a
            [`TopicRules`][socialcare_metrics.TopicRules] or a mapping from topic path to
            keywords (see [`tag_by_rules`][socialcare_metrics.tag_by_rules]); the topics they
            find are added to the tags the messages have.
        start: Keep only the items opened at or after this time (an aware datetime).
        end: Look at the data as it stood at this time: later messages, resolutions and actions
            are left out, and only the items opened before it are kept.

    Returns:
        A [`TopicResult`][socialcare_metrics.TopicResult].

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> conv = Conversation("c1", [
        ...     Message("m1", t0, "customer", tags=["billing/refund"]),
        ...     Message("m2", t0 + timedelta(minutes=1), "customer",
        ...             tags=["billing/invoice", "delivery/late"]),
        ...     Message("m3", t0 + timedelta(minutes=2), "customer"),
        ... ])
        >>> result = topics([conv])
        >>> result.counts(), result.untagged
        ({'billing': 2, 'delivery': 1}, 1)
        >>> topics([conv], level=2).counts()
        {'billing/invoice': 1, 'billing/refund': 1, 'delivery/late': 1}
        >>> topics([conv], per="conversation").counts()
        {'billing': 1, 'delivery': 1}
    """
    function = "topics"
    if not isinstance(per, str) or per not in ("message", "conversation"):
        raise InvalidParameterError(function, "per", "'message' or 'conversation'", per)
    checked_level = check_level(level, function)
    checked_rules = None if rules is None else as_rules(rules, function)
    table, _, window_start = message_inputs(data, function, start=start, end=end)
    if checked_rules is not None:
        table = _tagged(table, checked_rules)
    if per == "message":
        codes, sets = message_tag_sets(table)
        agent, channel, time = customer_columns(table)
        keys = GroupKeys(
            agent=agent,
            agent_names=table.agent_names,
            channel=channel,
            channel_names=table.channel_names,
            time=time,
        )
    else:
        conversations, first_rows, codes, sets = conversation_tag_sets(table)
        keys = GroupKeys(
            agent=table.assignee[conversations].astype(np.int32, copy=False),
            agent_names=table.agent_names,
            channel=table.channel[first_rows],
            channel_names=table.channel_names,
            time=table.sent_at[first_rows],
        )
    return opened_in(
        TopicResult(per=per, level=checked_level, tags=ItemTags.encoded(codes, sets), keys=keys),
        window_start,
    )
