"""The built-in sample dataset: a few thousand social customer-care conversations.

The data is generated, not recorded: a seeded `numpy.random.Generator` draws every choice,
so the same seed gives the same conversations on every machine, and every date is fixed (four
weeks from Monday 2024-03-04, UTC) so the output never depends on today's date.

It is made to show what real inboxes hold, so every metric has something to say about it:

- arrivals heavy in business hours, lighter in the evenings and at weekends, thin at night;
- a weekday team (08:00-20:00, Monday to Friday) and a weekend rota (Saturday 10:00-16:00,
  Sunday closed), so a message sent at night or at the weekend waits for the next shift;
- agents of different speeds, on four channels (twitter, facebook, instagram, whatsapp);
- customer bursts (several messages before the first reply), follow-up turns, handoffs;
- threads nobody answered (pending waits), some of them actioned without a reply;
- proactive brand posts (the brand writes first), private notes before replies;
- bot greetings with quick replies that customers pick (messenger channels only);
- topic tags such as ``"billing/refund"``, sentiment scores on most customer messages,
  assignees, and ``resolved_at`` on the conversations that were closed.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np

from .errors import InvalidParameterError
from .records import Author, Conversation, Message

__all__ = ["SAMPLE_START", "sample_conversations"]

#: Monday 2024-03-04 00:00 UTC: the first instant of the sample's four weeks.
SAMPLE_START: Final = datetime(2024, 3, 4, tzinfo=UTC)


_DAYS: Final = 28


_CHANNELS: Final = ("twitter", "facebook", "instagram", "whatsapp")


_CHANNEL_WEIGHTS: Final = (0.40, 0.27, 0.20, 0.13)


# Messenger-style channels where a bot greets the customer and offers quick replies.
_BOT_CHANNELS: Final = frozenset({"facebook", "instagram", "whatsapp"})


# Median reply delay of each agent once on shift, in minutes: a fast and a slow end of the team.
_WEEKDAY_AGENTS: Final = {"ana": 6.0, "ben": 9.0, "chen": 13.0, "dara": 18.0, "eli": 28.0}


_WEEKEND_AGENTS: Final = {"femi": 16.0}


# Opening hours (UTC) by weekday, Monday first; Sunday is closed.
_SHIFTS: Final = ((8, 20),) * 5 + ((10, 16), None)


# Relative arrival rate of new conversations by hour of day, and of a weekend day vs a weekday.
_HOUR_WEIGHTS: Final = (
    0.25, 0.18, 0.12, 0.10, 0.10, 0.15, 0.30, 0.60, 1.00, 1.40, 1.60, 1.60,
    1.50, 1.50, 1.50, 1.40, 1.30, 1.20, 1.10, 1.10, 1.00, 0.90, 0.65, 0.45,
)  # fmt: skip


_WEEKEND_RATE: Final = 0.55


# topic path: (weight, mean sentiment of the customer's messages, first messages)
_TOPICS: Final[dict[str, tuple[float, float, tuple[str, ...]]]] = {
    "billing/refund": (
        0.14,
        -0.35,
        (
            "I was charged twice for my order, can I get a refund?",
            "Still waiting for the refund you promised last week.",
            "How long does a refund take to reach my card?",
        ),
    ),
    "billing/invoice": (
        0.07,
        -0.05,
        (
            "Where can I download the invoice for my last order?",
            "My invoice shows the wrong address, can you fix it?",
        ),
    ),
    "delivery/late": (
        0.17,
        -0.45,
        (
            "My parcel was due yesterday and it has not arrived.",
            "Tracking has not moved in four days. Where is my order?",
            "Ordered a week ago, still nothing. Really disappointed.",
        ),
    ),
    "delivery/damaged": (
        0.07,
        -0.55,
        (
            "The box arrived crushed and the item inside is broken.",
            "Received my order today but the screen is cracked.",
        ),
    ),
    "account/login": (
        0.12,
        -0.25,
        (
            "I can't log in to the app, it keeps saying error 403.",
            "Locked out of my account after the update.",
        ),
    ),
    "account/password": (
        0.06,
        -0.10,
        (
            "The password reset email never arrives.",
            "How do I change the password on my account?",
        ),
    ),
    "product/question": (
        0.17,
        0.05,
        (
            "Does the new model work with the old charger?",
            "Is the blue one coming back in stock?",
            "What size should I order if I am between sizes?",
        ),
    ),
    "feedback/praise": (
        0.10,
        0.65,
        (
            "Just wanted to say your store team today was brilliant!",
            "Love the new app update, so much faster.",
        ),
    ),
    "feedback/complaint": (
        0.10,
        -0.65,
        (
            "Worst customer service I have ever had. Nobody answers.",
            "Your latest price rise is ridiculous.",
        ),
    ),
}


_FOLLOW_UPS: Final = (
    "Any update on this?",
    "Hello? Still waiting.",
    "I sent the details in a DM.",
    "Order number is in my previous message.",
    "Thanks, that worked!",
    "Thank you for the quick help.",
    "That doesn't answer my question.",
)


_FOLLOW_UP_SENTIMENT: Final = (-0.3, -0.5, 0.0, 0.0, 0.7, 0.75, -0.45)


_BURST_EXTRAS: Final = (
    "Also, the app crashed while I was checking.",
    "Order number 48213.",
    "Please help, this is urgent.",
    "Hello??",
    "I have tried twice already.",
)


_AGENT_REPLIES: Final = (
    "Sorry to hear that! Could you send us your order number in a DM?",
    "Thanks for reaching out. We have looked into it and fixed it on our side.",
    "Hi, thanks for your patience. I have passed this to the right team.",
    "Thanks for letting us know! Here is a link with the steps.",
    "We're sorry about this. A refund has been issued and should arrive in 3-5 days.",
    "Glad to hear it! Let us know if there is anything else.",
)


_NOTES: Final = (
    "Checked the order history: double charge confirmed.",
    "Escalated to the delivery partner.",
    "Customer is a repeat contact this week.",
    "Waiting on billing to confirm.",
)


_PROACTIVE: Final = (
    "Heads up: deliveries in the north region are running a day late this week.",
    "Our app is back up after this morning's outage. Thanks for bearing with us!",
    "Hi! We saw your post about your order. Can we help?",
)


_BOT_GREETING: Final = "Hi, I'm the virtual assistant. What can I help you with?"


_QUICK_REPLIES: Final = ("Order status", "Billing", "Technical help", "Talk to a person")


_QUICK_REPLY_WEIGHTS: Final = (0.35, 0.25, 0.15, 0.25)


_P_PROACTIVE: Final = 0.06


_P_PROACTIVE_IGNORED: Final = 0.3  # a brand post nobody answers


_P_BOT: Final = 0.40  # on a bot channel


_BURST_SIZES: Final = (1, 2, 3, 4)


_BURST_WEIGHTS: Final = (0.66, 0.20, 0.09, 0.05)


_P_UNANSWERED_FIRST: Final = 0.07


_P_UNANSWERED_LATER: Final = 0.15


_P_ACTIONED: Final = 0.35  # of unanswered last messages


_P_NOTE: Final = 0.12


_P_HANDOFF: Final = 0.08


_P_FOLLOW_UP: Final = 0.45


_MAX_TURNS: Final = 4


_P_RESOLVED: Final = 0.7


_P_SENTIMENT: Final = 0.7


_P_UNASSIGNED: Final = 0.5  # of conversations nobody ever replied to


def sample_conversations(*, seed: int = 0, n_conversations: int = 3000) -> list[Conversation]:
    """A deterministic sample of social customer-care conversations.

    Four weeks of conversations from Monday 2024-03-04 (UTC) on four channels, answered by a
    weekday team and a weekend rota, with the phenomena real inboxes hold: bursts, night and
    weekend waits, unanswered threads, proactive posts, private notes, bots and quick replies,
    tags, sentiment scores, assignees and resolutions (see the module documentation).

    Args:
        seed: Seeds `numpy.random.default_rng`; the same seed gives the same data.
        n_conversations: How many conversations to generate.

    Returns:
        The conversations, ordered by their first message; ids ``"c00001"``, ``"c00002"``, ...

    Raises:
        InvalidParameterError: ``seed`` or ``n_conversations`` is not an int >= 0.

    Examples:
        >>> from socialcare_metrics import first_reply_time
        >>> conversations = sample_conversations(seed=1, n_conversations=200)
        >>> len(conversations), conversations[0].id
        (200, 'c00001')
        >>> result = first_reply_time(conversations)
        >>> result.count + result.pending <= 200
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidParameterError("sample_conversations", "seed", "an int >= 0", seed)
    if (
        isinstance(n_conversations, bool)
        or not isinstance(n_conversations, int)
        or n_conversations < 0
    ):
        raise InvalidParameterError(
            "sample_conversations", "n_conversations", "an int >= 0", n_conversations
        )
    rng = np.random.default_rng(seed)
    starts = _arrival_seconds(rng, n_conversations)
    return [
        _Builder(rng, f"c{index + 1:05d}", int(start)).build() for index, start in enumerate(starts)
    ]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    total = float(sum(weights))
    return tuple(float(c) / total for c in np.cumsum(weights))


_CHANNEL_CUMULATIVE: Final = _cumulative(_CHANNEL_WEIGHTS)


_TOPIC_NAMES: Final = tuple(_TOPICS)


_TOPIC_CUMULATIVE: Final = _cumulative([weight for weight, _, _ in _TOPICS.values()])


_BURST_CUMULATIVE: Final = _cumulative(_BURST_WEIGHTS)


_QUICK_REPLY_CUMULATIVE: Final = _cumulative(_QUICK_REPLY_WEIGHTS)


def _arrival_seconds(rng: np.random.Generator, n: int) -> list[int]:
    """When each conversation starts, in seconds after `SAMPLE_START`, sorted."""
    day_w = np.array([_WEEKEND_RATE if day % 7 >= 5 else 1.0 for day in range(_DAYS)])
    hour_w = np.array(_HOUR_WEIGHTS)
    days = rng.choice(_DAYS, size=n, p=day_w / day_w.sum())
    hours = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    seconds = rng.integers(0, 3600, size=n)
    return sorted(int(t) for t in days * 86_400 + hours * 3600 + seconds)


def _on_shift_from(t: int) -> int:
    """The first second at or after ``t`` (seconds after the start) when the team is on shift."""
    while True:
        day, second = divmod(t, 86_400)
        shift = _SHIFTS[day % 7]
        if shift is not None:
            start, end = shift
            if second < start * 3600:
                return day * 86_400 + start * 3600
            if second < end * 3600:
                return t
        t = (day + 1) * 86_400


def _team_at(t: int) -> dict[str, float]:
    """Who is on shift at ``t``: the weekday team or the weekend rota."""
    return _WEEKEND_AGENTS if (t // 86_400) % 7 >= 5 else _WEEKDAY_AGENTS


def _at(t: int) -> datetime:
    return SAMPLE_START + timedelta(seconds=t)


class _Builder:
    """Builds one conversation, drawing every choice from the shared generator in order."""

    def __init__(self, rng: np.random.Generator, conversation_id: str, start: int) -> None:
        self.rng = rng
        self.id = conversation_id
        self.t = start
        self.topic = _TOPIC_NAMES[self._weighted(_TOPIC_CUMULATIVE)]
        self.channel = _CHANNELS[self._weighted(_CHANNEL_CUMULATIVE)]
        self.messages: list[Message] = []
        self.assignee: str | None = None

    # --- drawing helpers ------------------------------------------------------------------------

    def _chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def _pick(self, options: tuple[str, ...]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def _weighted(self, cumulative: tuple[float, ...]) -> int:
        # bisect on one uniform draw: Generator.choice(p=...) costs far more per call.
        return min(bisect.bisect_right(cumulative, self.rng.random()), len(cumulative) - 1)

    def _seconds(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))

    def _lognormal_seconds(self, median_minutes: float, sigma: float) -> int:
        return int(self.rng.lognormal(np.log(median_minutes * 60.0), sigma))

    def _sentiment(self, mean: float) -> float | None:
        if not self._chance(_P_SENTIMENT):
            return None
        return round(float(np.clip(mean + self.rng.normal(0.0, 0.25), -1.0, 1.0)), 3)

    def _agent_for(self, t: int) -> str:
        team = _team_at(t)
        if self.assignee in team and not self._chance(_P_HANDOFF):
            return self.assignee
        names = tuple(team)
        return self._pick(names)

    # --- messages -------------------------------------------------------------------------------

    def _add(self, t: int, author: Author, text: str, **fields: object) -> Message:
        message = Message(
            f"{self.id}-m{len(self.messages) + 1}",
            _at(t),
            author,
            text=text,
            **fields,  # type: ignore[arg-type]
        )
        self.messages.append(message)
        return message

    def _customer_turn(self, first: bool) -> int:
        """Add a turn of customer messages from ``self.t``; return the time of the last one."""
        mean = _TOPICS[self.topic][1]
        t = self.t
        if first:
            text = self._pick(_TOPICS[self.topic][2])
            self._add(t, Author.CUSTOMER, text, tags=(self.topic,), sentiment=self._sentiment(mean))
            size = _BURST_SIZES[self._weighted(_BURST_CUMULATIVE)]
            if self.channel in _BOT_CHANNELS and self._chance(_P_BOT):
                # The bot answers in seconds, but a person has not: the wait stays open.
                t += self._seconds(2, 6)
                self._add(t, Author.BOT, _BOT_GREETING)
                t += self._seconds(8, 90)
                choice = _QUICK_REPLIES[self._weighted(_QUICK_REPLY_CUMULATIVE)]
                self._add(t, Author.CUSTOMER, choice, quick_reply=choice)
        else:
            index = int(self.rng.integers(len(_FOLLOW_UPS)))
            mean = _FOLLOW_UP_SENTIMENT[index]
            self._add(t, Author.CUSTOMER, _FOLLOW_UPS[index], sentiment=self._sentiment(mean))
            size = 2 if self._chance(0.1) else 1
        for _ in range(size - 1):
            t += self._seconds(10, 300)
            self._add(
                t, Author.CUSTOMER, self._pick(_BURST_EXTRAS), sentiment=self._sentiment(mean)
            )
        return t

    def _reply(self, last_customer: int) -> int:
        """The brand's reply to a wait whose last customer message is at ``last_customer``."""
        picked_up = _on_shift_from(last_customer + 1)
        agent = self._agent_for(picked_up)
        speed = {**_WEEKDAY_AGENTS, **_WEEKEND_AGENTS}[agent]
        reply_at = picked_up + max(15, min(self._lognormal_seconds(speed, 1.0), 2 * 86_400))
        if self.assignee is None:
            self.assignee = agent
        if reply_at - last_customer >= 4 and self._chance(_P_NOTE):
            note_at = reply_at - self._seconds(1, min(180, reply_at - last_customer - 1))
            self._add(note_at, Author.AGENT, self._pick(_NOTES), agent_id=agent, private=True)
        self._add(reply_at, Author.AGENT, self._pick(_AGENT_REPLIES), agent_id=agent)
        return reply_at

    def build(self) -> Conversation:
        # Posts go out on shift only, so the conversations stay in order of their first message.
        if self._chance(_P_PROACTIVE) and _on_shift_from(self.t) == self.t:
            posted = self.t
            agent = self._agent_for(posted)
            self.assignee = agent
            self._add(posted, Author.AGENT, self._pick(_PROACTIVE), agent_id=agent)
            if self._chance(_P_PROACTIVE_IGNORED):
                return self._finish()
            self.t = posted + self._lognormal_seconds(30.0, 1.2) + 1
        for turn in range(_MAX_TURNS):
            last = self._customer_turn(first=turn == 0)
            unanswered = _P_UNANSWERED_FIRST if turn == 0 else _P_UNANSWERED_LATER
            if self._chance(unanswered):
                if self._chance(_P_ACTIONED):
                    self._action_last(last)
                break
            replied = self._reply(last)
            if not self._chance(_P_FOLLOW_UP):
                break
            self.t = replied + self._lognormal_seconds(45.0, 1.3) + 1
        return self._finish()

    def _action_last(self, last: int) -> None:
        # The brand marked the last message done (liked it, closed it) without a reply.
        picked_up = _on_shift_from(last + 1)
        message = self.messages[-1]
        self.messages[-1] = Message(
            message.id,
            message.sent_at,
            message.author,
            text=message.text,
            tags=message.tags,
            sentiment=message.sentiment,
            quick_reply=message.quick_reply,
            actioned_at=_at(picked_up + self._seconds(60, 3600)),
        )

    def _finish(self) -> Conversation:
        last = self.messages[-1]
        resolved_at = None
        if last.author is Author.AGENT and self._chance(_P_RESOLVED):
            resolved_at = last.sent_at + timedelta(seconds=self._seconds(30, 1800))
        if self.assignee is None and not self._chance(_P_UNASSIGNED):
            self.assignee = self._pick(tuple(_team_at(self.t)))
        return Conversation(
            self.id,
            self.messages,
            channel=self.channel,
            assignee=self.assignee,
            resolved_at=resolved_at,
            tags=(self.topic,),
        )
