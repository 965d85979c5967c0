"""Hypothesis strategies for the content tests: conversations with rich tags, quick replies and
scores, in a few weeks of time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import strategies as st

from socialcare_metrics import Author, Conversation
from socialcare_metrics.testing import aware_datetimes, conversations

WINDOW = (datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 4, 3, tzinfo=UTC))

#: Paths of several depths, one repeated in another case, one with spaces and an empty part.
TAG_POOL = (
    "billing/refund",
    "billing/refund/partial",
    "billing",
    "Billing/Refund",
    " billing / invoice ",
    "delivery/late",
    "delivery/",
    "a/b/c/d",
    "/",
)
OPTIONS = ("Track order", "Talk to a person", "Billing", "Returns")
#: Scores on and around the default thresholds, and anything in [-1, 1].
SCORES = (
    st.none() | st.sampled_from([0.05, -0.05, 0.0, 0.0499, -0.0499, 1.0, -1.0]) | st.floats(-1, 1)
)

tag_lists = st.lists(st.sampled_from(TAG_POOL), max_size=3)


@st.composite
def rich_conversation(draw: st.DrawFn) -> Conversation:
    base = draw(
        conversations(
            start=aware_datetimes(min_value=WINDOW[0], max_value=WINDOW[1]),
            max_size=6,
            max_gap=timedelta(hours=20),
        )
    )
    messages = []
    for m in base.messages:
        customer = m.author is Author.CUSTOMER
        messages.append(
            attrs.evolve(
                m,
                tags=draw(tag_lists),
                quick_reply=draw(st.none() | st.sampled_from(OPTIONS)) if customer else None,
                sentiment=draw(SCORES),
            )
        )
    return attrs.evolve(
        base, messages=messages, tags=draw(st.lists(st.sampled_from(TAG_POOL), max_size=2))
    )


def rich_conversations(max_size: int = 6) -> st.SearchStrategy[list[Conversation]]:
    return st.lists(rich_conversation(), max_size=max_size, unique_by=lambda c: c.id)
