"""Call deflection as a mergeable state: contact counts per channel kind, overall and per period."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from typing import Any, ClassVar, Final

import attrs

from ..errors import InvalidDataError
from ..metrics.deflection import _SOURCE, _rows
from ..results._grouping import GroupKeys
from ..results.deflection import CHANNEL_KINDS, DeflectionReport, DeflectionResult
from ._base import MetricState

__all__ = ["CallDeflectionState"]

#: The period labels a state keeps, each written to JSON under its name, and their order.
_LABEL_TYPES: Final = ("int", "str", "date", "datetime")

_EXPECTED_LABEL: Final = (
    "a period label a state can keep: an int, a str, a date or a timezone-aware datetime "
    "(a state's dict must hold it)"
)


def _label_type(label: object) -> str | None:
    if isinstance(label, bool):
        return None
    if isinstance(label, int):
        return "int"
    if isinstance(label, str):
        return "str"
    if isinstance(label, datetime):
        return "datetime" if label.utcoffset() is not None else None
    if isinstance(label, date):
        return "date"
    return None


@attrs.frozen(eq=False, repr=False)
class CallDeflectionState(MetricState):
    """[`call_deflection`][socialcare_metrics.call_deflection] as a mergeable state: phone,
    email and social contacts overall and per period, which add up exactly.

    ``update()`` takes what the function takes (a mapping of kind to count, or rows of
    ``(kind, count)`` or ``(kind, period, count)``). Counts of the same kind and period add up
    across slices, so each day's rows can be added to the state of the days before. Period
    labels must be ints, strs, dates or timezone-aware datetimes (a state's dict holds them);
    the merged report lists periods in sorted order, labels of different types by type (ints,
    strs, dates, datetimes).

    Examples:
        >>> from socialcare_metrics.states import CallDeflectionState
        >>> state = CallDeflectionState.empty()
        >>> may = state.update([("phone", "2024-05", 400), ("social", "2024-05", 900)])
        >>> june = state.update([("phone", "2024-06", 300), ("social", "2024-06", 1200)])
        >>> merged = may.merge(june).result()
        >>> merged.ratio, merged.savings, list(merged.periods)
        (3.0, 23100.0, ['2024-05', '2024-06'])
        >>> state.update([("social", ("2024", 5), 1)])
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidDataError: call_deflection, column 'period', row 0: ...
    """

    _metric: ClassVar[str] = "call_deflection"
    _allowed_by: ClassVar[tuple[str, ...]] = ()
    _object_options: ClassVar[tuple[str, ...]] = ()

    def _empty_data(self) -> Any:
        return {}

    def _compute(self, data: Any) -> Any:
        rows = _rows(data)
        for row, (_, period, _) in enumerate(rows):
            if period is not None and _label_type(period) is None:
                raise InvalidDataError(_SOURCE, "period", row, _EXPECTED_LABEL, period)
        return super()._compute([(k, c) if p is None else (k, p, c) for k, p, c in rows])

    def _cells_of(self, result: Any) -> dict[Any, Any]:
        # The total cell (key None) counts every row, with a period or without.
        report: DeflectionReport = result
        cells: dict[Any, Any] = {}
        total = report.total
        if total.count:
            cells[None] = (total.phone, total.email, total.social)
        for label, counts in report.periods.items():
            cells[label] = (counts.phone, counts.email, counts.social)
        return cells

    def _merge_cells(self, a: Any, b: Any) -> Any:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    @classmethod
    def _order(cls, key: Any) -> Any:
        if key is None:
            return (-1, 0)
        kind = _LABEL_TYPES.index(_label_type(key) or "")
        return (kind, key)

    def _key_to_json(self, key: Any) -> Any:
        if key is None:
            return None
        kind = _label_type(key)
        return [kind, key.isoformat() if isinstance(key, date) else key]

    def _key_from_json(self, key: Any) -> Any:
        if key is None:
            return None
        kind, value = key
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "str" and isinstance(value, str):
            return value
        if kind == "datetime":
            return datetime.fromisoformat(value)
        if kind == "date":
            return date.fromisoformat(value)
        raise ValueError(f"a period label written as {key!r}")

    def result(self) -> Any:
        """The deflection report: the function's own when `exact`, else rebuilt from the counts
        (identical: counts add up exactly)."""
        if self._exact is not None:
            return self._exact
        return self._result_of(None, [])  # type: ignore[arg-type]

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:
        assisted = float(self.options["assisted_cost"])
        social = float(self.options["social_cost"])

        def made(counts: tuple[int, int, int]) -> DeflectionResult:
            phone, email, social_count = counts
            return DeflectionResult(
                phone=phone,
                email=email,
                social=social_count,
                assisted_cost=assisted,
                social_cost=social,
            )

        periods: dict[Hashable, DeflectionResult] = {
            key: made(counts)
            for key, counts in sorted(self.cells.items(), key=lambda item: self._order(item[0]))
            if key is not None
        }
        return DeflectionReport(
            total=made(self.cells.get(None, (0,) * len(CHANNEL_KINDS))),  # type: ignore[call-overload]
            periods=periods,
        )
