"""The survey table: CSAT and NPS responses as numpy columns, built from records or columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .._core.columns import _column, _factorize, _factorize_columns, _is_missing, _time_column
from .._core.time import datetime_to_ns
from .._core.typing import Int64Array
from .._core.validation import check_records
from ..errors import InvalidDataError, InvalidParameterError
from ..records import SurveyKind, SurveyResponse

__all__ = ["SurveyTable"]

_KIND_CODES: Final = {SurveyKind.CSAT: 0, SurveyKind.NPS: 1}


_SCALES: Final = {0: (1, 5), 1: (0, 10)}


_KIND_NAMES: Final = ("csat", "nps")


class SurveyTable:
    """Survey responses as numpy columns: how [`csat`][socialcare_metrics.csat] and
    [`nps`][socialcare_metrics.nps] compute.

    Build one with [`from_responses`][socialcare_metrics.SurveyTable.from_responses] (records) or
    [`from_columns`][socialcare_metrics.SurveyTable.from_columns] (arrays or lists, e.g. straight
    from a survey tool's export). Scores are checked against their scale when the table is built, so
    a bad row is reported by its position.

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

    def __reduce__(self) -> tuple[Callable[[dict[str, Any]], SurveyTable], tuple[dict[str, Any]]]:
        # Pickled as its columns, without the derived-data cache.
        columns = {name: getattr(self, name) for name in self.__slots__ if not name.startswith("_")}
        return (_rebuild, (columns,))

    def __len__(self) -> int:
        return int(self.score.shape[0])

    def __repr__(self) -> str:
        n_csat = int(np.count_nonzero(self.kind == 0))
        return f"<SurveyTable: {n_csat} CSAT and {len(self) - n_csat} NPS responses>"

    def subset(self, index: npt.NDArray[np.intp]) -> SurveyTable:
        """The responses at ``index``, in that order, as a new table."""
        return self._select(index)

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
        """Build a table from [`SurveyResponse`][socialcare_metrics.SurveyResponse] records (both
        kinds may be mixed).

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
        times = _time_column(
            _column(answered_at, "answered_at", source, per="response"),
            "answered_at",
            source,
            allow_missing=False,
        )
        n = times.shape[0]

        def check_len(values: object, name: str) -> npt.NDArray[Any]:
            return _column(values, name, source, n, per="response")

        if isinstance(kind, str):
            kind_codes = np.full(n, _kind_code(kind, source, None), dtype=np.int8)
        elif isinstance(kind, bytes | Mapping) or not isinstance(kind, Iterable):
            raise InvalidDataError(
                source, "kind", None, "'csat' or 'nps', for every row or one per row", kind
            )
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
            (agent_codes,), agent_names = _factorize_columns(
                [("agent_id", check_len(agent_id, "agent_id"))], source
            )

        def ids(values: Any, name: str) -> npt.NDArray[np.object_]:
            if values is None:
                return _objects([None] * n)
            out: list[str | None] = []
            for i, value in enumerate(check_len(values, name).tolist()):
                if _is_missing(value) or (isinstance(value, str) and not value):
                    out.append(None)
                elif isinstance(value, str):
                    out.append(value)
                elif isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
                    out.append(str(int(value)))
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
    def refuse(i: int, value: object) -> InvalidDataError:
        low, high = _SCALES[int(kinds[i])]
        expected = f"an int in {low}..{high} for {_KIND_NAMES[kinds[i]]}"
        return InvalidDataError(source, "score", i, expected, value)

    if values.dtype.kind in "iu":
        # Values beyond any scale become 11 (still out of every scale) before the cast, which
        # would wrap a large uint64 round; the error shows the value given.
        scores = (
            np.minimum(values, 11).astype(np.int64) if values.shape[0] else values.astype(np.int64)
        )
    elif values.dtype.kind == "O" or values.dtype.kind == "f":
        scores = np.empty(values.shape[0], dtype=np.int64)
        for i, value in enumerate(values.tolist()):
            integral = isinstance(value, int) or (
                isinstance(value, float) and value == value and value.is_integer()
            )
            if isinstance(value, bool) or not integral:
                raise refuse(i, value)
            scores[i] = max(-1, min(int(value), 11))  # out of every scale either way
    else:
        if values.shape[0]:
            raise refuse(0, values[0])  # str, bool or datetime arrays hold no scores
        scores = np.zeros(0, dtype=np.int64)
    low_bound = np.where(kinds == 0, 1, 0)
    high_bound = np.where(kinds == 0, 5, 10)
    bad = np.flatnonzero((scores < low_bound) | (scores > high_bound))
    if bad.size:
        i = int(bad[0])
        raise refuse(i, values[i].item() if isinstance(values[i], np.generic) else values[i])
    return scores


def _as_survey_table(data: object, function: str) -> SurveyTable:
    if isinstance(data, SurveyTable):
        return data
    if isinstance(data, SurveyResponse):
        return SurveyTable.from_responses([data])
    responses = check_records(
        data, SurveyResponse, function, "data", "a SurveyTable or an iterable of SurveyResponse"
    )
    return SurveyTable.from_responses(responses)


def _rebuild(columns: dict[str, Any]) -> SurveyTable:
    """A `SurveyTable` from its pickled columns, through ``__init__`` (read-only again)."""
    return SurveyTable(**columns)
