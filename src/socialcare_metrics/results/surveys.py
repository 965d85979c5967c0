"""Survey results: CSAT and NPS over the responses, with the follow-up list of unhappy customers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs
import numpy as np

from .._core.columns import read_only
from .._core.time import ns_to_datetime
from .._core.typing import FloatArray, Int64Array
from ..tables.surveys import SurveyTable
from ._base import ITEM, Result, Summary
from ._grouping import GroupKeys
from ._stats import group_counts, shares

__all__ = ["CsatResult", "FollowUp", "NpsResult"]


def csat_columns(count: Int64Array, total: FloatArray, satisfied: Int64Array) -> Summary:
    """A CSAT split's columns, from its responses, sum of scores and satisfied per group."""
    return {
        "count": count,
        "average": shares(total, count),
        "satisfied": satisfied,
        "csat": shares(satisfied, count),
    }


def nps_columns(count: Int64Array, promoters: Int64Array, detractors: Int64Array) -> Summary:
    """An NPS split's columns, from its responses, promoters and detractors per group."""
    return {
        "count": count,
        "promoters": promoters,
        "passives": (count - promoters - detractors),
        "detractors": detractors,
        "nps": shares(100 * (promoters - detractors), count),
    }


class CsatScores(Result):
    """What CSAT derives from its responses, satisfied and average: the function's
    [`CsatResult`][socialcare_metrics.CsatResult] and a merged state's summary share it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {"csat": "percent"}

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def average(self) -> float | None:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def satisfied(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    def distribution(self) -> dict[int, int]:  # pragma: no cover - every result counts
        raise NotImplementedError

    def _follow_up_count(self) -> dict[str, int]:
        return {}

    @property
    def csat(self) -> float | None:
        """CSAT: the share of 4 and 5, in [0, 1]; ``None`` over no response."""
        return self.satisfied / self.count if self.count else None

    @property
    def value(self) -> float | None:
        """The headline value: the CSAT share, or ``None`` over no response."""
        return self.csat

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values: ``name``, ``count``, ``average``, ``satisfied``,
        ``csat``, ``follow_up`` (how many responses to follow up on; not in a merged state's
        summary, which keeps no responses) and ``distribution``."""
        return {
            "name": "csat",
            "count": self.count,
            "average": self.average,
            "satisfied": self.satisfied,
            "csat": self.csat,
            **self._follow_up_count(),
            "distribution": self.distribution(),
        }

    def __str__(self) -> str:
        return "n/a" if self.csat is None else f"{self.csat:.1%}"

    def __repr__(self) -> str:
        average = "n/a" if self.average is None else f"{self.average:.2f}"
        return f"<{type(self).__name__}: CSAT {self}, average {average}, count {self.count}>"


class NpsScores(Result):
    """What NPS derives from its responses, promoters and detractors: the function's
    [`NpsResult`][socialcare_metrics.NpsResult] and a merged state's summary share it."""

    __slots__ = ()

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def promoters(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    @property
    def detractors(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    def distribution(self) -> dict[int, int]:  # pragma: no cover - every result counts
        raise NotImplementedError

    @property
    def passives(self) -> int:
        """Responses of 7 or 8."""
        return self.count - self.promoters - self.detractors

    @property
    def nps(self) -> float | None:
        """% promoters - % detractors, in [-100, 100]; ``None`` over no response."""
        if not self.count:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.count

    @property
    def value(self) -> float | None:
        """The headline value: the NPS, or ``None`` over no response."""
        return self.nps

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values: ``name``, ``count``, ``promoters``, ``passives``,
        ``detractors``, ``nps`` and ``distribution``."""
        return {
            "name": "nps",
            "count": self.count,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "nps": self.nps,
            "distribution": self.distribution(),
        }

    def __str__(self) -> str:
        return "n/a" if self.nps is None else f"{self.nps:.0f}"


@attrs.frozen
class FollowUp:
    """A CSAT response of 3 or lower, to follow up on (the source articles' rule)."""

    score: int
    answered_at: datetime
    conversation_id: str | None
    agent_id: str | None
    response_id: str | None


@attrs.frozen(eq=False, repr=False)
class _SurveyResult(Result):
    """Scores of one kind, groupable by the rated agent and by the period they were given in.

    ``by()`` takes ``"agent"`` (named agents sorted, then ``None`` for responses that rate no
    agent), or ``"hour"``, ``"day"``, ``"week"``, ``"month"`` (the period the response was
    answered in; every period from the first response's to the last's, empty ones included;
    UTC unless ``tz=`` says otherwise). Surveys have no channel.
    """

    _group_keys_accepted: ClassVar[Mapping[str, str]] = {
        "agent": "agent",
        "hour": "hour",
        "day": "day",
        "week": "week",
        "month": "month",
    }

    _table: SurveyTable = attrs.field(metadata=ITEM)

    def _keys_of(self) -> GroupKeys:
        table = self._table
        return GroupKeys(
            agent=table.agent,
            agent_names=table.agent_names,
            channel=np.full(len(table), -1, dtype=np.int32),
            channel_names=(),
            time=table.answered_at,
        )

    def _item_count(self) -> int:
        return len(self._table)

    @property
    def count(self) -> int:
        """How many responses the result is based on."""
        return len(self._table)

    @property
    def scores(self) -> Int64Array:
        """The scores, in input order (read-only)."""
        return read_only(self._table.score.copy())

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score of the scale, every score present."""
        raise NotImplementedError  # pragma: no cover - overridden


@attrs.frozen(eq=False, repr=False)
class CsatResult(_SurveyResult, CsatScores):
    """Customer satisfaction from 1-5 responses.

    [`csat`][socialcare_metrics.CsatResult.csat] is the share of 4 and 5 (satisfied) in [0, 1];
    [`average`][socialcare_metrics.CsatResult.average] the mean score; both ``None`` over no
    response. [`follow_up`][socialcare_metrics.CsatResult.follow_up] lists the responses of 3 or
    lower.
    """

    @property
    def average(self) -> float | None:
        """The mean score, or ``None`` over no response."""
        return float(self._table.score.mean()) if self.count else None

    @property
    def satisfied(self) -> int:
        """Responses of 4 or 5."""
        return int(np.count_nonzero(self._table.score >= 4))

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        score = self._table.score
        count = group_counts(codes, n_groups)
        satisfied = group_counts(codes, n_groups, score >= 4)
        total = np.bincount(codes, weights=score, minlength=n_groups).astype(np.float64, copy=False)
        return csat_columns(count, total, satisfied)

    @property
    def follow_up(self) -> list[FollowUp]:
        """The responses of 3 or lower, earliest first."""
        table = self._table
        index = np.flatnonzero(table.score <= 3)
        index = index[np.argsort(table.answered_at[index], kind="stable")]
        return [
            FollowUp(
                score=int(table.score[i]),
                answered_at=ns_to_datetime(int(table.answered_at[i])),
                conversation_id=table.conversation_id[i],
                agent_id=table.agent_names[table.agent[i]] if table.agent[i] >= 0 else None,
                response_id=table.response_id[i],
            )
            for i in index.tolist()
        ]

    def _follow_up_count(self) -> dict[str, int]:
        return {"follow_up": len(self.follow_up)}

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 1..5."""
        counts = np.bincount(self._table.score, minlength=6)
        return {score: int(counts[score]) for score in range(1, 6)}


@attrs.frozen(eq=False, repr=False)
class NpsResult(_SurveyResult, NpsScores):
    """Net Promoter Score from 0-10 responses.

    Promoters score 9-10, passives 7-8, detractors 0-6; [`nps`][socialcare_metrics.NpsResult.nps] =
    % promoters - % detractors, from -100 to 100, ``None`` over no response.
    """

    @property
    def promoters(self) -> int:
        """Responses of 9 or 10."""
        return int(np.count_nonzero(self._table.score >= 9))

    @property
    def detractors(self) -> int:
        """Responses of 0 to 6."""
        return int(np.count_nonzero(self._table.score <= 6))

    def _share(self, part: int) -> float | None:
        return part / self.count if self.count else None

    @property
    def promoter_share(self) -> float | None:
        """Promoters / responses, in [0, 1]."""
        return self._share(self.promoters)

    @property
    def passive_share(self) -> float | None:
        """Passives / responses, in [0, 1]."""
        return self._share(self.passives)

    @property
    def detractor_share(self) -> float | None:
        """Detractors / responses, in [0, 1]."""
        return self._share(self.detractors)

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        score = self._table.score
        count = group_counts(codes, n_groups)
        promoters = group_counts(codes, n_groups, score >= 9)
        detractors = group_counts(codes, n_groups, score <= 6)
        return nps_columns(count, promoters, detractors)

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 0..10."""
        counts = np.bincount(self._table.score, minlength=11)
        return {score: int(counts[score]) for score in range(11)}

    def __repr__(self) -> str:
        return (
            f"<NpsResult: NPS {self}, promoters {self.promoters}, passives {self.passives}, "
            f"detractors {self.detractors}, count {self.count}>"
        )
