"""Satisfaction (SPEC section 5): CSAT on a 1-5 scale and NPS on a 0-10 scale.

Both take :class:`SurveyResponse` records or a :class:`SurveyTable` built from columns, and
return results that carry the number of responses they are based on, group by the rated agent
and by calendar period ("track the monthly average", as the source articles put it), and are
``None`` over no response (SPEC section 7).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, Literal, Self, TypeAlias, overload

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import InvalidDataError, InvalidParameterError
from ._grouping import GroupKeys
from ._periods import TimeZone
from ._records import SurveyKind, SurveyResponse
from ._table import _as_1d, _factorize, _time_column, datetime_to_ns, ns_to_datetime

__all__ = ["CsatResult", "FollowUp", "NpsResult", "SurveyTable", "csat", "nps"]

Int64Array: TypeAlias = npt.NDArray[np.int64]
SurveyData: TypeAlias = "SurveyTable | Iterable[SurveyResponse]"

_KIND_CODES: Final = {SurveyKind.CSAT: 0, SurveyKind.NPS: 1}
_SCALES: Final = {0: (1, 5), 1: (0, 10)}
_KIND_NAMES: Final = ("csat", "nps")


def _read_only(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.flags.writeable = False
    return array


class SurveyTable:
    """Survey responses as numpy columns: how :func:`csat` and :func:`nps` compute.

    Build one with :meth:`from_responses` (records) or :meth:`from_columns` (arrays or lists,
    e.g. straight from a survey tool's export). Scores are checked against their scale when the
    table is built, so a bad row is reported by its position.

    Columns: ``kind`` (int8, 0 CSAT, 1 NPS), ``score`` (int64), ``answered_at`` (int64 epoch
    ns, UTC), ``agent`` (int32 into ``agent_names``, -1 for none), ``conversation_id`` and
    ``response_id`` (object arrays, ``None`` where unknown), ``row`` (the input position).
    """

    __slots__ = (
        "agent",
        "agent_names",
        "answered_at",
        "conversation_id",
        "kind",
        "response_id",
        "row",
        "score",
    )

    kind: npt.NDArray[np.int8]
    score: Int64Array
    answered_at: Int64Array
    agent: npt.NDArray[np.int32]
    agent_names: tuple[str, ...]
    conversation_id: npt.NDArray[np.object_]
    response_id: npt.NDArray[np.object_]
    row: Int64Array

    def __init__(self, **columns: Any) -> None:
        # Internal: use from_responses() or from_columns(), which validate.
        for name in self.__slots__:
            value = columns.pop(name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SurveyTable is immutable")

    def __len__(self) -> int:
        return int(self.score.shape[0])

    def __repr__(self) -> str:
        n_csat = int(np.count_nonzero(self.kind == 0))
        return f"<SurveyTable: {n_csat} CSAT and {len(self) - n_csat} NPS responses>"

    def _select(self, index: npt.NDArray[np.intp]) -> SurveyTable:
        return SurveyTable(
            kind=self.kind[index],
            score=self.score[index],
            answered_at=self.answered_at[index],
            agent=self.agent[index],
            agent_names=self.agent_names,
            conversation_id=self.conversation_id[index],
            response_id=self.response_id[index],
            row=self.row[index],
        )

    @classmethod
    def from_responses(cls, responses: Iterable[SurveyResponse]) -> SurveyTable:
        """Build a table from :class:`SurveyResponse` records (both kinds may be mixed).

        Raises:
            InvalidParameterError: an item is not a SurveyResponse.
        """
        candidate: object = responses
        if isinstance(candidate, str | bytes) or not isinstance(candidate, Iterable):
            raise InvalidParameterError(
                "SurveyTable.from_responses",
                "responses",
                "an iterable of SurveyResponse",
                candidate,
            )
        kinds: list[int] = []
        scores: list[int] = []
        times: list[int] = []
        agents: list[str | None] = []
        conversations: list[str | None] = []
        ids: list[str | None] = []
        for position, response in enumerate(responses):
            if not isinstance(response, SurveyResponse):
                raise InvalidParameterError(
                    "SurveyTable.from_responses",
                    f"responses[{position}]",
                    "a SurveyResponse",
                    response,
                )
            kinds.append(_KIND_CODES[response.kind])
            scores.append(response.score)
            times.append(datetime_to_ns(response.answered_at))
            agents.append(response.agent_id)
            conversations.append(response.conversation_id)
            ids.append(response.id)
        agent_codes, agent_names = _factorize(agents)
        n = len(scores)
        return cls(
            kind=np.asarray(kinds, dtype=np.int8),
            score=np.asarray(scores, dtype=np.int64),
            answered_at=np.asarray(times, dtype=np.int64),
            agent=agent_codes,
            agent_names=agent_names,
            conversation_id=_objects(conversations),
            response_id=_objects(ids),
            row=np.arange(n, dtype=np.int64),
        )

    @classmethod
    def from_columns(
        cls,
        *,
        score: Sequence[int] | npt.ArrayLike,
        answered_at: Sequence[datetime] | npt.ArrayLike,
        kind: str | Sequence[str] | npt.ArrayLike = "csat",
        agent_id: Sequence[str | None] | npt.ArrayLike | None = None,
        conversation_id: Sequence[str | None] | npt.ArrayLike | None = None,
        response_id: Sequence[str | None] | npt.ArrayLike | None = None,
    ) -> SurveyTable:
        """Build a table from columns, one value per response in each.

        Args:
            score: The integer score of each response: 1..5 for CSAT, 0..10 for NPS.
            answered_at: When each was answered: ``datetime64`` (UTC), int64 epoch ns, or
                timezone-aware datetimes.
            kind: ``"csat"`` or ``"nps"`` for every row, or one per row.
            agent_id: The agent each response rates, if known.
            conversation_id: The conversation each response rates, if known.
            response_id: Each response's own id, if the source has one.

        Raises:
            InvalidDataError: a column has the wrong length or a bad value (a score outside its
                scale, a missing or naive time, an unknown kind); the message names the column
                and the row.
        """
        source = "SurveyTable.from_columns"
        times = _time_column(answered_at, "answered_at", source, allow_missing=False)
        n = times.shape[0]

        def check_len(values: Any, name: str) -> npt.NDArray[Any]:
            array = _as_1d(values)
            if array.shape[0] != n:
                raise InvalidDataError(
                    source, name, None, f"{n} values, one per response", array.shape[0]
                )
            return array

        if isinstance(kind, str):
            kind_codes = np.full(n, _kind_code(kind, source, None), dtype=np.int8)
        else:
            kinds = check_len(kind, "kind")
            kind_codes = np.array(
                [_kind_code(k, source, i) for i, k in enumerate(kinds.tolist())], dtype=np.int8
            )
        scores = _score_column(check_len(score, "score"), kind_codes, source)
        agent_codes: npt.NDArray[np.int32]
        if agent_id is None:
            agent_codes, agent_names = np.full(n, -1, dtype=np.int32), tuple[str, ...]()
        else:
            agent_codes, agent_names = _factorize(
                check_len(agent_id, "agent_id"), column="agent_id", source=source
            )

        def ids(values: Any, name: str) -> npt.NDArray[np.object_]:
            if values is None:
                return _objects([None] * n)
            out: list[str | None] = []
            for i, value in enumerate(check_len(values, name).tolist()):
                if value is None or (isinstance(value, float) and value != value) or value == "":
                    out.append(None)
                elif isinstance(value, str | int) and not isinstance(value, bool):
                    out.append(str(value))
                else:
                    raise InvalidDataError(source, name, i, "a str, an int or None", value)
            return _objects(out)

        return cls(
            kind=kind_codes,
            score=scores,
            answered_at=times,
            agent=agent_codes,
            agent_names=agent_names,
            conversation_id=ids(conversation_id, "conversation_id"),
            response_id=ids(response_id, "response_id"),
            row=np.arange(n, dtype=np.int64),
        )


def _objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _kind_code(value: object, source: str, row: int | None) -> int:
    if isinstance(value, str):
        code = {"csat": 0, "nps": 1}.get(value.lower())
        if code is not None:
            return code
    raise InvalidDataError(source, "kind", row, "'csat' or 'nps'", value)


def _score_column(values: npt.NDArray[Any], kinds: npt.NDArray[np.int8], source: str) -> Int64Array:
    if values.dtype.kind in "iu":
        scores = values.astype(np.int64)
    else:
        scores = np.empty(values.shape[0], dtype=np.int64)
        for i, value in enumerate(values.tolist()):
            integral = isinstance(value, int) or (
                isinstance(value, float) and value == value and value.is_integer()
            )
            if isinstance(value, bool) or not integral:
                low, high = _SCALES[int(kinds[i])]
                raise InvalidDataError(
                    source,
                    "score",
                    i,
                    f"an int in {low}..{high} for {_KIND_NAMES[kinds[i]]}",
                    value,
                )
            scores[i] = int(value)
    low_bound = np.where(kinds == 0, 1, 0)
    high_bound = np.where(kinds == 0, 5, 10)
    bad = np.flatnonzero((scores < low_bound) | (scores > high_bound))
    if bad.size:
        i = int(bad[0])
        low, high = _SCALES[int(kinds[i])]
        raise InvalidDataError(
            source,
            "score",
            i,
            f"an int in {low}..{high} for {_KIND_NAMES[kinds[i]]}",
            int(scores[i]),
        )
    return scores


def _as_survey_table(data: object, function: str) -> SurveyTable:
    if isinstance(data, SurveyTable):
        return data
    if isinstance(data, SurveyResponse):
        return SurveyTable.from_responses([data])
    if isinstance(data, str | bytes) or not isinstance(data, Iterable):
        raise InvalidParameterError(
            function, "data", "a SurveyTable or an iterable of SurveyResponse", data
        )
    return SurveyTable.from_responses(data)


# --- results ----------------------------------------------------------------------------------


@attrs.frozen
class FollowUp:
    """A CSAT response of 3 or lower, to follow up on (the source articles' rule)."""

    score: int
    answered_at: datetime
    conversation_id: str | None
    agent_id: str | None
    response_id: str | None


@attrs.frozen(eq=False, repr=False)
class _SurveyResult:
    """Scores of one kind, groupable by the rated agent and by the period they were given in."""

    _table: SurveyTable

    def _group_keys(self) -> GroupKeys:
        table = self._table
        return GroupKeys(
            agent=table.agent,
            agent_names=table.agent_names,
            channel=np.full(len(table), -1, dtype=np.int32),
            channel_names=(),
            time=table.answered_at,
        )

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        return attrs.evolve(self, table=self._table._select(index))

    @overload
    def by(self, key: Literal["agent"], *, tz: None = None) -> dict[str | None, Self]: ...

    @overload
    def by(
        self, key: Literal["hour", "day", "week", "month"], *, tz: TimeZone | None = None
    ) -> dict[datetime | None, Self]: ...

    def by(self, key: Any, *, tz: TimeZone | None = None) -> dict[Any, Self]:
        """Split by the rated agent, or by the period the responses were answered in.

        Args:
            key: ``"agent"`` (named agents sorted, then ``None`` for responses that rate no
                agent), or ``"hour"``, ``"day"``, ``"week"``, ``"month"`` (every period from the
                first response's to the last's, empty ones included).
            tz: The time zone of the periods; default UTC.
        """
        if key == "channel":
            raise InvalidParameterError(
                "by",
                "key",
                "'agent', 'hour', 'day', 'week' or 'month' (surveys have no channel)",
                key,
            )
        return {label: self._subset(index) for label, index in self._group_keys().split(key, tz)}

    @property
    def count(self) -> int:
        """How many responses the result is based on."""
        return len(self._table)

    @property
    def scores(self) -> Int64Array:
        """The scores, in input order (read-only)."""
        return _read_only(self._table.score.copy())

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score of the scale, every score present."""
        raise NotImplementedError  # pragma: no cover - overridden


@attrs.frozen(eq=False, repr=False)
class CsatResult(_SurveyResult):
    """Customer satisfaction from 1-5 responses.

    :attr:`csat` is the share of 4 and 5 (satisfied) in [0, 1]; :attr:`average` the mean score;
    both ``None`` over no response. :attr:`follow_up` lists the responses of 3 or lower.
    """

    @property
    def average(self) -> float | None:
        """The mean score, or ``None`` over no response."""
        return float(self._table.score.mean()) if self.count else None

    @property
    def satisfied(self) -> int:
        """Responses of 4 or 5."""
        return int(np.count_nonzero(self._table.score >= 4))

    @property
    def csat(self) -> float | None:
        """CSAT: the share of 4 and 5, in [0, 1]; ``None`` over no response."""
        return self.satisfied / self.count if self.count else None

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

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 1..5."""
        counts = np.bincount(self._table.score, minlength=6)
        return {score: int(counts[score]) for score in range(1, 6)}

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values."""
        return {
            "name": "csat",
            "count": self.count,
            "average": self.average,
            "satisfied": self.satisfied,
            "csat": self.csat,
            "follow_up": len(self.follow_up),
            "distribution": self.distribution(),
        }

    def __str__(self) -> str:
        return "n/a" if self.csat is None else f"{self.csat:.1%}"

    def __repr__(self) -> str:
        average = "n/a" if self.average is None else f"{self.average:.2f}"
        return f"<CsatResult: CSAT {self}, average {average}, count {self.count}>"


@attrs.frozen(eq=False, repr=False)
class NpsResult(_SurveyResult):
    """Net Promoter Score from 0-10 responses.

    Promoters score 9-10, passives 7-8, detractors 0-6; :attr:`nps` = % promoters - %
    detractors, from -100 to 100, ``None`` over no response.
    """

    @property
    def promoters(self) -> int:
        """Responses of 9 or 10."""
        return int(np.count_nonzero(self._table.score >= 9))

    @property
    def passives(self) -> int:
        """Responses of 7 or 8."""
        return self.count - self.promoters - self.detractors

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

    @property
    def nps(self) -> float | None:
        """% promoters - % detractors, in [-100, 100]; ``None`` over no response."""
        if not self.count:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.count

    def distribution(self) -> dict[int, int]:
        """How many responses gave each score 0..10."""
        counts = np.bincount(self._table.score, minlength=11)
        return {score: int(counts[score]) for score in range(11)}

    def to_dict(self) -> dict[str, Any]:
        """The result as plain Python values."""
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

    def __repr__(self) -> str:
        return (
            f"<NpsResult: NPS {self}, promoters {self.promoters}, passives {self.passives}, "
            f"detractors {self.detractors}, count {self.count}>"
        )


# --- metrics ----------------------------------------------------------------------------------


def csat(data: SurveyTable | Iterable[SurveyResponse], /) -> CsatResult:
    """Customer satisfaction (CSAT) from 1-5 survey responses.

    Average score; CSAT = the share of 4 and 5; the responses of 3 or lower listed for follow-up
    (the source articles: "1 poor, 3 neutral, 5 satisfied; if the answer is 3 or lower, follow
    up"); per month with ``.by("month")``. Responses of the NPS kind in the input are left out
    (:func:`nps` reads them).

    Args:
        data: :class:`SurveyResponse` records, or a :class:`SurveyTable`.

    Example:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import SurveyResponse
        >>> t = datetime(2024, 5, 6, tzinfo=timezone.utc)
        >>> result = csat([SurveyResponse("csat", s, t) for s in (5, 4, 3, 4)])
        >>> result.csat, result.average, [f.score for f in result.follow_up]
        (0.75, 4.0, [3])
    """
    table = _as_survey_table(data, "csat")
    return CsatResult(table=table._select(np.flatnonzero(table.kind == 0)))


def nps(data: SurveyTable | Iterable[SurveyResponse], /) -> NpsResult:
    """Net Promoter Score (NPS) from 0-10 survey responses.

    Promoters 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors, from -100
    to 100; per month with ``.by("month")``. Responses of the CSAT kind are left out.

    Args:
        data: :class:`SurveyResponse` records, or a :class:`SurveyTable`.

    Example:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import SurveyResponse
        >>> t = datetime(2024, 5, 6, tzinfo=timezone.utc)
        >>> scores = [10, 9, 10, 9, 10, 8, 7, 7, 3, 6]  # 5 promoters, 2 detractors
        >>> nps([SurveyResponse("nps", s, t) for s in scores]).nps
        30.0
    """
    table = _as_survey_table(data, "nps")
    return NpsResult(table=table._select(np.flatnonzero(table.kind == 1)))
