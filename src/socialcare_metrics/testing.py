"""Hypothesis strategies for the library's records, for property tests of your own.

This module needs hypothesis (``pip install 'socialcare-metrics[test]'``); the rest of the library
does not.

Examples:
    >>> from hypothesis import given, settings
    >>> from socialcare_metrics import reply_wait_time
    >>> from socialcare_metrics.testing import conversation_lists
    >>> @settings(max_examples=25)
    ... @given(conversation_lists(max_size=5))
    ... def test_counts_add_up(conversations):
    ...     result = reply_wait_time(conversations)
    ...     assert result.count + result.pending >= 0
    >>> test_counts_add_up()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "socialcare_metrics.testing needs hypothesis: pip install 'socialcare-metrics[test]'"
    ) from error

from .records import Author, Conversation, Message, SurveyKind, SurveyResponse, Task

__all__ = [
    "aware_datetimes",
    "conversation_lists",
    "conversations",
    "messages",
    "survey_responses",
    "tasks",
]

_DEFAULT_MIN = datetime(2020, 1, 1, tzinfo=UTC)


_DEFAULT_MAX = datetime(2030, 1, 1, tzinfo=UTC)


_AGENTS = ("ana", "bo", "chen", "dara")


_CHANNELS = ("twitter", "facebook", "instagram")


def aware_datetimes(
    *, min_value: datetime = _DEFAULT_MIN, max_value: datetime = _DEFAULT_MAX
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes between ``min_value`` and ``max_value``, in assorted offsets."""
    offsets = st.sampled_from([0, 60, -300, 330, 545, -600]).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    span = int((max_value - min_value).total_seconds() * 1_000_000)
    return st.builds(
        lambda micros, tz: (min_value + timedelta(microseconds=micros)).astimezone(tz),
        st.integers(min_value=0, max_value=span),
        offsets,
    )


def messages(
    *,
    id: str | None = None,
    sent_at: st.SearchStrategy[datetime] | None = None,
    authors: Sequence[Author | str] = tuple(Author),
    agents: Sequence[str] = _AGENTS,
    channels: Sequence[str | None] = (None, *_CHANNELS),
) -> st.SearchStrategy[Message]:
    """Single valid messages.

    Args:
        id: A fixed id, or ``None`` for generated ones.
        sent_at: A strategy for the timestamp (default:
            [`aware_datetimes`][socialcare_metrics.testing.aware_datetimes]).
        authors: The author kinds to draw from.
        agents: Agent ids to draw from for brand messages.
        channels: Channels to draw from (``None`` means the conversation's).
    """
    ids = st.just(id) if id is not None else st.text("abcdef0123456789", min_size=1, max_size=8)
    parts = _MessageParts(authors, agents, channels)
    times = sent_at if sent_at is not None else aware_datetimes()

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        return parts.draw(draw, draw(ids), draw(times))

    return build()


class _MessageParts:
    """The strategies a message's fields are drawn from, built once per strategy (building a
    composite strategy per message would cost hypothesis a source inspection every time)."""

    def __init__(
        self,
        authors: Sequence[Author | str],
        agents: Sequence[str],
        channels: Sequence[str | None],
    ) -> None:
        self.authors = st.sampled_from([Author(a) for a in authors])
        self.agents = st.sampled_from(list(agents)) if agents else None
        self.channels = st.sampled_from(list(channels)) if channels else None
        self.sentiment = st.none() | st.floats(-1.0, 1.0)
        self.tags = st.lists(
            st.sampled_from(["billing/refund", "billing", "login/2fa"]), max_size=2
        )
        # Text in several scripts, and often none: metrics that read it see both.
        self.text = st.sampled_from(["", "", "Where is my order?", "Danke schön", "좋아요", "退款"])
        self.quick_reply = st.none() | st.sampled_from(["Track order", "Talk to a person"])
        self.action_delay = st.none() | st.integers(0, 6 * 3600)
        # A private customer message is rare in exports but allowed: it counts for nothing.
        self.customer_private = st.sampled_from([False] * 9 + [True])

    def draw(self, draw: st.DrawFn, id: str, sent_at: datetime) -> Message:
        author = draw(self.authors)
        brand = author is not Author.CUSTOMER
        delay = None if brand else draw(self.action_delay)
        return Message(
            id,
            sent_at,
            author,
            agent_id=draw(self.agents) if brand and self.agents is not None else None,
            channel=draw(self.channels) if self.channels is not None else None,
            private=draw(st.booleans()) if brand else draw(self.customer_private),
            text=draw(self.text),
            sentiment=None if brand else draw(self.sentiment),
            quick_reply=None if brand else draw(self.quick_reply),
            actioned_at=None if delay is None else sent_at + timedelta(seconds=delay),
            tags=draw(self.tags),
        )


def conversations(
    *,
    id: str | None = None,
    min_size: int = 0,
    max_size: int = 12,
    start: st.SearchStrategy[datetime] | None = None,
    max_gap: timedelta = timedelta(hours=30),
    authors: Sequence[Author | str] = tuple(Author),
    agents: Sequence[str] = _AGENTS,
    channels: Sequence[str | None] = (None, *_CHANNELS),
) -> st.SearchStrategy[Conversation]:
    """Valid conversations with ``min_size`` to ``max_size`` messages.

    Messages follow each other by random gaps of zero (equal timestamps) up to ``max_gap``,
    with random authors, private notes and agents, so bursts, proactive posts, unanswered
    threads and ties all occur. Messages carry text in several scripts (or none), tags,
    sentiment, quick replies and ``actioned_at`` times, and now and then a private customer
    message. ``resolved_at`` is none, after the last message, or at or just after an earlier
    one, so that some conversations are reopened by a later customer message.
    """
    if min_size < 0 or max_size < min_size:
        raise ValueError(f"need 0 <= min_size <= max_size (got {min_size}, {max_size})")
    gap_seconds = int(max_gap.total_seconds())
    parts = _MessageParts(authors, agents, channels)
    # Zero gaps are frequent on purpose: ties must keep their given order.
    gaps = st.sampled_from([0, 1]) | st.integers(0, gap_seconds)

    @st.composite
    def build(draw: st.DrawFn) -> Conversation:
        conv_id = id if id is not None else draw(st.text("ABCDEFGH", min_size=1, max_size=6))
        t = draw(start if start is not None else aware_datetimes())
        n = draw(st.integers(min_value=min_size, max_value=max_size))
        items = []
        for i in range(n):
            t = t + timedelta(seconds=draw(gaps))
            items.append(parts.draw(draw, f"m{i}", t))
        end = items[-1].sent_at if items else t
        # Resolved after the last message, or at or just after an earlier one (a customer who
        # writes after the resolution reopens the conversation), or open.
        times = [end + timedelta(minutes=1)]
        times += [m.sent_at + timedelta(seconds=extra) for m in items for extra in (0, 1)]
        resolved = draw(st.none() | st.sampled_from(times))
        return Conversation(
            conv_id,
            items,
            channel=draw(st.sampled_from(list(_CHANNELS))),
            assignee=draw(st.none() | st.sampled_from(list(agents))) if agents else None,
            resolved_at=resolved,
        )

    return build()


def conversation_lists(
    *, min_size: int = 0, max_size: int = 8, max_messages: int = 12
) -> st.SearchStrategy[list[Conversation]]:
    """Lists of conversations with distinct ids."""
    return st.lists(
        conversations(max_size=max_messages),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda c: c.id,
    )


def survey_responses(*, kind: SurveyKind | str | None = None) -> st.SearchStrategy[SurveyResponse]:
    """Valid CSAT or NPS responses (``kind`` fixes the scale)."""
    kinds = [SurveyKind(kind)] if kind is not None else list(SurveyKind)

    @st.composite
    def build(draw: st.DrawFn) -> SurveyResponse:
        chosen = draw(st.sampled_from(kinds))
        low, high = (1, 5) if chosen is SurveyKind.CSAT else (0, 10)
        return SurveyResponse(
            chosen,
            draw(st.integers(low, high)),
            draw(aware_datetimes()),
            agent_id=draw(st.none() | st.sampled_from(list(_AGENTS))),
        )

    return build()


def tasks() -> st.SearchStrategy[Task]:
    """Valid tasks, open or completed."""

    @st.composite
    def build(draw: st.DrawFn) -> Task:
        assigned = draw(aware_datetimes())
        done = draw(st.none() | st.integers(0, 10 * 86_400))
        return Task(
            draw(st.text("0123456789", min_size=1, max_size=6)),
            draw(st.sampled_from(list(_AGENTS))),
            assigned,
            None if done is None else assigned + timedelta(seconds=done),
        )

    return build()
