"""Count and rate results: messages counted, replies sent, and shares such as the reply rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np

from .._core.typing import BoolArray, Int64Array
from ._base import ITEM, Result, Summary
from ._grouping import GroupKeys
from ._stats import group_counts, shares

__all__ = ["CountResult", "RateResult", "ReplyVolumeResult"]


def rate_columns(numerator: Int64Array, denominator: Int64Array) -> Summary:
    """A share's split columns, from its numerator and denominator per group."""
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": shares(numerator, denominator),
    }


def reply_columns(agents: Int64Array, bots: Int64Array, bot_replies: bool) -> Summary:
    """A reply volume's split columns, from its agent and bot messages per group."""
    return {
        "count": agents + bots if bot_replies else agents,
        "agent_replies": agents,
        "bot_messages": bots,
        "bot_replies": np.full(agents.shape[0], bot_replies),
    }


class ItemCount(Result):
    """What a count derives from its `name` and `count`: the function's
    [`CountResult`][socialcare_metrics.CountResult] and a merged state's summary share it."""

    __slots__ = ()

    name: str

    @property
    def count(self) -> int:  # pragma: no cover - every count says how it counts
        raise NotImplementedError

    @property
    def value(self) -> int:
        """The headline value: the count."""
        return self.count

    def __int__(self) -> int:
        return self.count

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values: ``name`` and ``count``."""
        return {"name": self.name, **self.summary_row()}

    def __str__(self) -> str:
        return f"{self.count:,}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {self.count:,}>"


class RateParts(Result):
    """What a share derives from its `name`, `numerator` and `denominator`: the function's
    [`RateResult`][socialcare_metrics.RateResult] and a merged state's summary share it."""

    __slots__ = ()

    name: str

    @property
    def numerator(self) -> int:  # pragma: no cover - every rate says how it counts
        raise NotImplementedError

    @property
    def denominator(self) -> int:  # pragma: no cover - every rate says how it counts
        raise NotImplementedError

    @property
    def count(self) -> int:
        """The count the rate is based on: the denominator."""
        return self.denominator

    @property
    def value(self) -> float | None:
        """``numerator / denominator``, or ``None`` when the denominator is 0."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The value in percent (0 to 100), or ``None``."""
        return None if self.value is None else 100.0 * self.value

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values.

        Keys: ``name``, ``numerator``, ``denominator`` and ``value``.
        """
        return {"name": self.name, **self.summary_row()}

    def __str__(self) -> str:
        return "n/a" if self.value is None else f"{self.value:.1%}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.name}: {self} "
            f"({self.numerator:,} of {self.denominator:,})>"
        )


class ReplyCounts(Result):
    """What a reply volume derives from its `name`, `agent_replies`, `bot_messages` and
    ``bot_replies``: the function's [`ReplyVolumeResult`][socialcare_metrics.ReplyVolumeResult]
    and a merged state's summary share it."""

    __slots__ = ()

    name: str
    bot_replies: bool

    @property
    def agent_replies(self) -> int:  # pragma: no cover - every volume says how it counts
        raise NotImplementedError

    @property
    def bot_messages(self) -> int:  # pragma: no cover - every volume says how it counts
        raise NotImplementedError

    @property
    def count(self) -> int:
        """Replies: agent messages, plus bot messages if bots count as replies."""
        return self.agent_replies + (self.bot_messages if self.bot_replies else 0)

    @property
    def value(self) -> int:
        """The headline value: the number of replies."""
        return self.count

    def __int__(self) -> int:
        return self.count

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values: ``name``, ``count``, ``agent_replies``,
        ``bot_messages`` and ``bot_replies``."""
        return {"name": self.name, **self.summary_row()}

    def __str__(self) -> str:
        return f"{self.count:,}"

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.name}: {self.count:,} "
            f"(agents {self.agent_replies:,}, bots {self.bot_messages:,})>"
        )


@attrs.frozen(eq=False, repr=False)
class CountResult(ItemCount):
    """A count of items (messages, conversations), groupable by agent, channel and period.

    ``int(result)`` and `count` are the count.
    """

    name: str
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        return {"count": group_counts(codes, n_groups)}

    @property
    def count(self) -> int:
        """How many items were counted."""
        return int(self._keys.time.shape[0])


@attrs.frozen(eq=False, repr=False)
class RateResult(RateParts):
    """A share: how many of the items (the denominator) count in the numerator.

    `value` is ``numerator / denominator`` in [0, 1], or ``None`` over no items (undefined,
    never NaN). ``str(result)`` is the percentage with one decimal.
    """

    _column_formats: ClassVar[Mapping[str, str]] = {"value": "percent"}

    name: str
    _hit: BoolArray = attrs.field(metadata=ITEM)
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        numerator = group_counts(codes, n_groups, self._hit)
        denominator = group_counts(codes, n_groups)
        return rate_columns(numerator, denominator)

    @property
    def numerator(self) -> int:
        """How many items count (e.g. replied messages)."""
        return int(np.count_nonzero(self._hit))

    @property
    def denominator(self) -> int:
        """How many items there are (e.g. messages received)."""
        return int(self._hit.shape[0])


@attrs.frozen(eq=False, repr=False)
class ReplyVolumeResult(ReplyCounts):
    """Brand messages sent: replies by agents, with bot messages reported beside them.

    `count` is the number of replies: public agent messages, plus bot messages when the
    metric was asked to count bots as replies. `bot_messages` is always the number of
    public bot messages, so a reader sees how much of the brand's side was automated.
    """

    name: str
    _bot: BoolArray = attrs.field(metadata=ITEM)  # per item: a bot message (else an agent's)
    bot_replies: bool
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        bots = group_counts(codes, n_groups, self._bot)
        agents = group_counts(codes, n_groups) - bots
        return reply_columns(agents, bots, self.bot_replies)

    @property
    def agent_replies(self) -> int:
        """Public messages by agents (people)."""
        return int(self._bot.shape[0] - self.bot_messages)

    @property
    def bot_messages(self) -> int:
        """Public messages by bots."""
        return int(np.count_nonzero(self._bot))
