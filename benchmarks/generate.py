"""A deterministic generator of realistic customer-care messages as columns.

``generate_columns(n)`` returns exactly ``n`` messages as numpy arrays whose keys are
``MessageTable.from_columns`` keywords, so a benchmark builds a table with
``MessageTable.from_columns(**generate_columns(n))``. The same ``(n, seed)`` always gives the same
arrays, on any machine (numpy's PCG64 generator is stable across platforms and versions).

The data has what the reply-time definitions care about:

- conversations of several messages (1 + a geometric number, about 8 on average);
- customer bursts (several customer messages in a row before anyone answers);
- agent replies after a realistic delay (log-normal, median about 20 minutes, a long tail);
- bot messages (about 1 in 10), which are not replies by default;
- private notes (about 8% of agent messages), which are never replies;
- proactive brand posts: about 8% of conversations open with an agent message;
- unanswered threads: about 12% of conversations end on a customer message;
- 60 agents (conversations are mostly answered by their assignee, sometimes by a colleague),
  about 10% of conversations unassigned, and 5 channels with uneven shares.

Categorical columns are integer codes, as a loader that has already factorised its input would
hand them over: ``agent_id`` and ``assignee`` are agent numbers (-1 for none), ``channel`` is an
index into ``CHANNEL_NAMES``, ``author`` is 0 customer, 1 agent, 2 bot.

Run it as a script to print a small sample and the data's shape::

    python benchmarks/generate.py --n 20
"""

from __future__ import annotations

import argparse
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["CHANNEL_NAMES", "N_AGENTS", "generate_columns"]

#: The channel of code ``i`` in the generated ``channel`` column.
CHANNEL_NAMES: Final = ("twitter", "facebook", "instagram", "whatsapp", "email")
_CHANNEL_SHARES: Final = (0.45, 0.25, 0.15, 0.10, 0.05)
#: How many agents the generated data has (codes 0 .. N_AGENTS - 1).
N_AGENTS: Final = 60

_NAT: Final = np.iinfo(np.int64).min
_START_NS: Final = 1_704_067_200 * 1_000_000_000  # 2024-01-01T00:00:00Z
_SPAN_S: Final = 90 * 86_400  # conversations open over 90 days
_MS: Final = 1_000_000  # nanoseconds in a millisecond: timestamps have millisecond resolution

_CUSTOMER, _AGENT, _BOT = 0, 1, 2


def _uniform(rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
    return np.asarray(rng.random(size), dtype=np.float64)


def _integers(rng: np.random.Generator, high: int, size: int) -> npt.NDArray[np.int64]:
    """``size`` ints in [0, high)."""
    return np.asarray(rng.integers(0, high, size=size, dtype=np.int64), dtype=np.int64)


def _lengths(rng: np.random.Generator, n_messages: int) -> npt.NDArray[np.int64]:
    """Conversation lengths (1 + geometric, mean about 8) summing to exactly ``n_messages``."""
    parts: list[npt.NDArray[np.int64]] = []
    total = 0
    while total < n_messages:
        batch = rng.geometric(1 / 7.5, size=n_messages // 7 + 16).astype(np.int64)
        parts.append(batch)
        total += int(batch.sum())
    lengths = np.concatenate(parts)
    cum = np.cumsum(lengths)
    k = int(np.searchsorted(cum, n_messages))  # first conversation that reaches n_messages
    lengths = lengths[: k + 1].copy()
    lengths[k] -= int(cum[k]) - n_messages
    return lengths


def generate_columns(n_messages: int, *, seed: int = 0) -> dict[str, npt.NDArray[np.generic]]:
    """Generate ``n_messages`` messages as columns, sorted by conversation then time.

    Args:
        n_messages: How many messages (rows) to generate, >= 0.
        seed: The random seed; the same ``(n_messages, seed)`` gives the same arrays.

    Returns:
        A dict of numpy arrays, one value per message in each, keyed by
        ``MessageTable.from_columns`` keywords:

        - ``conversation_id``: int64 conversation ids, sorted (non-decreasing);
        - ``sent_at``: ``datetime64[ns]`` UTC instants, non-decreasing within a conversation;
        - ``author``: int8, 0 customer, 1 agent, 2 bot;
        - ``agent_id``: int32 agent number of the brand-side sender, -1 for none;
        - ``channel``: int8 index into ``CHANNEL_NAMES`` (the conversation's channel);
        - ``private``: bool, an internal note;
        - ``assignee``: int32 agent number the conversation is assigned to, -1 for none,
          repeated on each of its rows;
        - ``resolved_at``: ``datetime64[ns]``, when the conversation was resolved (NaT while
          open), repeated on each of its rows.
    """
    if isinstance(n_messages, bool) or not isinstance(n_messages, int) or n_messages < 0:
        raise ValueError(f"n_messages must be an int >= 0, got {n_messages!r}")
    rng = np.random.default_rng(seed)
    n = n_messages
    lengths = _lengths(rng, n) if n else np.zeros(0, dtype=np.int64)
    n_conv = lengths.shape[0]
    offsets = np.zeros(n_conv + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    firsts = offsets[:-1]
    lasts = offsets[1:] - 1
    conv = np.repeat(np.arange(n_conv, dtype=np.int64), lengths)

    # Authors: independent draws make customer bursts and back-and-forth; the first and last
    # messages are then set so that most threads open with the customer and some end unanswered.
    author = rng.choice(
        np.array([_CUSTOMER, _AGENT, _BOT], dtype=np.int8), size=n, p=[0.5, 0.4, 0.1]
    )
    author[firsts] = np.where(_uniform(rng, n_conv) < 0.08, _AGENT, _CUSTOMER)
    multi = lengths > 1
    unanswered = _uniform(rng, n_conv) < 0.12
    author[lasts[multi]] = np.where(unanswered[multi], _CUSTOMER, _AGENT)
    is_agent = author == _AGENT
    private = is_agent & (_uniform(rng, n) < 0.08)

    # Assignment: ~10% unassigned; an agent message is mostly by the assignee.
    assignee_conv = _integers(rng, N_AGENTS, n_conv).astype(np.int32)
    assignee_conv[_uniform(rng, n_conv) < 0.10] = -1
    assignee = assignee_conv[conv]
    colleague = _integers(rng, N_AGENTS, n).astype(np.int32)
    by_colleague = (assignee < 0) | (_uniform(rng, n) < 0.2)
    agent_id = np.where(is_agent, np.where(by_colleague, colleague, assignee), -1).astype(np.int32)

    channel_conv = rng.choice(
        np.arange(len(CHANNEL_NAMES), dtype=np.int8), size=n_conv, p=_CHANNEL_SHARES
    )
    channel = channel_conv[conv]

    # Time: each conversation opens at a random moment; the gap before each message depends on
    # who writes after whom. Gaps are whole milliseconds, at least one, so times strictly rise.
    prev_author = np.empty(n, dtype=np.int8)
    if n:
        prev_author[1:] = author[:-1]
        prev_author[0] = _CUSTOMER
    burst = rng.exponential(90.0, size=n)  # customer adding to their own message: ~1.5 min
    reply_delay = rng.lognormal(np.log(1200.0), 1.3, size=n)  # brand answering: ~20 min median
    other = rng.exponential(1800.0, size=n)  # anything else: ~30 min
    gap_s = np.where(
        author == _CUSTOMER,
        np.where(prev_author == _CUSTOMER, burst, other),
        np.where(prev_author == _CUSTOMER, reply_delay, other),
    )
    gap_ms = np.maximum(1, np.minimum(gap_s * 1000.0, 30 * 86_400_000.0)).astype(np.int64)
    gap_ms[firsts] = 0
    elapsed = np.cumsum(gap_ms)
    elapsed -= np.repeat(elapsed[firsts], lengths)  # restart the clock in each conversation
    open_ms = _integers(rng, _SPAN_S * 1000, n_conv)
    sent_ns = _START_NS + (open_ms[conv] + elapsed) * _MS

    # Resolution: most conversations whose last message is a public agent reply are resolved
    # a little after it; the others are still open.
    ends_on_reply = is_agent[lasts] & ~private[lasts]
    resolved_conv = np.full(n_conv, _NAT, dtype=np.int64)
    resolve = ends_on_reply & (_uniform(rng, n_conv) < 0.7)
    resolved_conv[resolve] = (
        sent_ns[lasts[resolve]] + (1 + _integers(rng, 3_599_999, int(resolve.sum()))) * _MS
    )

    # Conversation ids are not row codes: sparse, increasing int64 numbers.
    conversation_id = 1_000_000 + conv * 3

    return {
        "conversation_id": conversation_id,
        "sent_at": sent_ns.view("datetime64[ns]"),
        "author": author,
        "agent_id": agent_id,
        "channel": channel,
        "private": private,
        "assignee": assignee,
        "resolved_at": resolved_conv[conv].view("datetime64[ns]"),
    }


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="messages to generate (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args()
    columns = generate_columns(args.n, seed=args.seed)
    if args.n <= 60:
        names = list(columns)
        print("\t".join(names))
        for i in range(args.n):
            print("\t".join(str(columns[name][i]) for name in names))
    author = columns["author"]
    conv = columns["conversation_id"]
    n_conv = int(np.unique(conv).size)
    print(
        f"{args.n} messages in {n_conv} conversations: "
        f"{np.mean(author == _CUSTOMER):.1%} customer, {np.mean(author == _AGENT):.1%} agent "
        f"({np.count_nonzero(columns['private']) / max(args.n, 1):.1%} of all rows private "
        f"notes), {np.mean(author == _BOT):.1%} bot"
    )


if __name__ == "__main__":
    _main()
