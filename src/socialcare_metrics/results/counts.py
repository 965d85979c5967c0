"""Count and rate results: messages counted, replies sent, and shares such as the reply rate."""

from __future__ import annotations

from typing import Any, Self

import attrs
import numpy as np
import numpy.typing as npt

from .._core.typing import BoolArray
from ..results._grouping import Grouped, GroupKeys

__all__ = ["CountResult", "RateResult", "ReplyVolumeResult"]


@attrs.frozen(eq=False, repr=False)
class CountResult(Grouped):
    """A count of items (messages, conversations), groupable by agent, channel and period.

    ``int(result)`` and [`count`][socialcare_metrics.CountResult.count] are the count.
    """

    name: str
    _keys: GroupKeys

    def _group_keys(self) -> GroupKeys:
        return self._keys

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(self, keys=self._keys.subset(index))

    @property
    def count(self) -> int:
        """How many items were counted."""
        return int(self._keys.time.shape[0])

    @property
    def value(self) -> int:
        """The headline value: the count."""
        return self.count

    def __int__(self) -> int:
        return self.count

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values."""
        return {"name": self.name, "count": self.count}

    def __str__(self) -> str:
        return f"{self.count:,}"

    def __repr__(self) -> str:
        return f"<CountResult {self.name}: {self.count:,}>"


@attrs.frozen(eq=False, repr=False)
class RateResult(Grouped):
    """A share: how many of the items (the denominator) count in the numerator.

    [`value`][socialcare_metrics.RateResult.value] is ``numerator / denominator`` in [0, 1], or
    ``None`` over no items (undefined, so ``None``, never NaN). ``str(result)`` is the percentage
    with one decimal.
    """

    name: str
    _hit: BoolArray
    _keys: GroupKeys

    def _group_keys(self) -> GroupKeys:
        return self._keys

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(self, hit=self._hit[index], keys=self._keys.subset(index))

    @property
    def numerator(self) -> int:
        """How many items count (e.g. replied messages)."""
        return int(np.count_nonzero(self._hit))

    @property
    def denominator(self) -> int:
        """How many items there are (e.g. messages received)."""
        return int(self._hit.shape[0])

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
        """The result as plain Python values."""
        return {
            "name": self.name,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": self.value,
        }

    def __str__(self) -> str:
        return "n/a" if self.value is None else f"{self.value:.1%}"

    def __repr__(self) -> str:
        return f"<RateResult {self.name}: {self} ({self.numerator:,} of {self.denominator:,})>"


@attrs.frozen(eq=False, repr=False)
class ReplyVolumeResult(Grouped):
    """Brand messages sent: replies by agents, with bot messages reported beside them.

    [`count`][socialcare_metrics.ReplyVolumeResult.count] is the number of replies: public agent
    messages, plus bot messages when the metric was asked to count bots as replies.
    [`bot_messages`][socialcare_metrics.ReplyVolumeResult.bot_messages] is always the number of
    public bot messages, so a reader sees how much of the brand's side was automated.
    """

    name: str
    _bot: BoolArray  # per item: a bot message (else an agent message)
    bot_replies: bool
    _keys: GroupKeys

    def _group_keys(self) -> GroupKeys:
        return self._keys

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(self, bot=self._bot[index], keys=self._keys.subset(index))

    @property
    def agent_replies(self) -> int:
        """Public messages by agents (people)."""
        return int(self._bot.shape[0] - self.bot_messages)

    @property
    def bot_messages(self) -> int:
        """Public messages by bots."""
        return int(np.count_nonzero(self._bot))

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
        """The result as plain Python values."""
        return {
            "name": self.name,
            "count": self.count,
            "agent_replies": self.agent_replies,
            "bot_messages": self.bot_messages,
            "bot_replies": self.bot_replies,
        }

    def __str__(self) -> str:
        return f"{self.count:,}"

    def __repr__(self) -> str:
        return (
            f"<ReplyVolumeResult {self.name}: {self.count:,} "
            f"(agents {self.agent_replies:,}, bots {self.bot_messages:,})>"
        )
