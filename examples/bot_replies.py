"""Does a bot's greeting count as a reply? Both answers, over the sample dataset.

By default a bot message is not a reply: the customer is still waiting for a person. With
``bot_replies=True`` the bot's greeting closes the wait, and first reply time drops on the
channels where a bot answers first.

Run it with ``python examples/bot_replies.py``.
"""

from __future__ import annotations

from socialcare_metrics import MessageTable, first_reply_time, format_duration, sample_conversations

table = MessageTable.from_conversations(sample_conversations(seed=0))
person = first_reply_time(table).by("channel")
bot = first_reply_time(table, bot_replies=True).by("channel")

print("Median first reply time by channel")
print(f"  {'channel':<10}  {'a person':>8}  {'bot counts':>10}")
for channel, result in person.items():
    median_bot = format_duration(bot[channel].median)
    print(f"  {channel!s:<10}  {format_duration(result.median):>8}  {median_bot:>10}")
