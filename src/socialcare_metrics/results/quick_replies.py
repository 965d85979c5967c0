"""The most used quick replies: which options customers picked, how often, and the trend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import numpy as np

from .._core.periods import TimeZone
from .._core.typing import Int32Array, Int64Array
from .._engine.content import pair_counts
from ._base import ITEM, Result, Summary
from ._content import RankedCount, rank, top_per_group
from ._grouping import GroupKeys
from ._render import aligned_lines, format_cell
from ._stats import group_counts, shares
from ._trend import Trend, check_top, period_codes, ranking_trend

__all__ = ["QuickReplyResult"]

#: How many rows ``str()`` of a ranking shows.
RANKING_ROWS = 10


def ranking_text(rows: list[RankedCount], key: str, total_rows: int) -> str:
    """A ranking as a text table: name, count and share, then how many more there are."""
    if not rows:
        return "n/a"
    shown = rows[:RANKING_ROWS]
    lines = aligned_lines(
        [[key, "count", "share"]]
        + [[r.name, format_cell(r.count), format_cell(r.share, "percent")] for r in shown],
        (False, True, True),
    )
    if total_rows > len(shown):
        lines.append(f"... and {total_rows - len(shown):,} more")
    return "\n".join(lines)


def option_columns(count: Int64Array, top: Any, top_count: Int64Array) -> Summary:
    """A quick-reply split's columns, from its messages and top option per group."""
    return {"count": count, "top": top, "top_share": shares(top_count, count)}


class OptionCounts(Result):
    """What a quick-reply count derives from its messages and count per option: the function's
    [`QuickReplyResult`][socialcare_metrics.QuickReplyResult] and a merged state's summary share
    it."""

    __slots__ = ()

    _column_formats: ClassVar[Mapping[str, str]] = {"top_share": "percent"}

    @property
    def count(self) -> int:  # pragma: no cover - every result says how it counts
        raise NotImplementedError

    if TYPE_CHECKING:
        # Each side's names and count per name (declared only: a summary's comes from its
        # cells' base, after this class in the order of bases).
        def _named_counts(self) -> tuple[tuple[str, ...], Int64Array]: ...

    @property
    def value(self) -> int:
        """The headline value: the number of quick replies picked."""
        return self.count

    def __int__(self) -> int:
        return self.count

    def top(self, n: int | None = None) -> list[RankedCount]:
        """The ``n`` most used options (all with ``None``), most used first; equal counts in
        order of name. Each has its count and its share of `count`."""
        limit = check_top(n, f"{type(self).__name__}.top")
        names, counts = self._named_counts()
        ranked = rank(names, counts, self.count)
        return ranked if limit is None else ranked[:limit]

    def counts(self) -> dict[str, int]:
        """How many times each option was picked, most used first (unused options left out)."""
        return {row.name: row.count for row in self.top()}

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values: ``name``, ``count``, the ``top`` option and its
        ``top_share``, and ``options``: every option used, most used first, with its count
        and share."""
        return {
            "name": "quick replies",
            **self.summary_row(),
            "options": [{"option": r.name, "count": r.count, "share": r.share} for r in self.top()],
        }

    def __str__(self) -> str:
        ranked = self.top()
        return ranking_text(ranked, "option", len(ranked))

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}: {self.count:,} quick replies, {len(self.counts())} options>"
        )


@attrs.frozen(eq=False, repr=False)
class QuickReplyResult(OptionCounts):
    """The quick-reply options customers picked: counts and shares, most used first.

    Each item is a public customer message that picked a quick reply. `count` is how many
    there are (the headline `value` too); an option's share is its count over `count`, so the
    shares of all options add up to 1. `top(n)` ranks the options, `trend(period)` lists each
    option's count and share per period with the change from the period before, and
    ``by("agent" | "channel" | period)`` splits the messages (an agent's are those of the
    conversations assigned to them).

    Attributes:
        option_names: Every option the data names, sorted (some may have no use here).
    """

    option_names: tuple[str, ...]
    _option: Int32Array = attrs.field(metadata=ITEM)  # per item: code into option_names
    _keys: GroupKeys = attrs.field(metadata=ITEM)

    def _named_counts(self) -> tuple[tuple[str, ...], Int64Array]:
        counts: Int64Array = np.bincount(self._option, minlength=len(self.option_names)).astype(
            np.int64
        )
        return self.option_names, counts

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:
        count = group_counts(codes, n_groups)
        group, option, pairs = pair_counts(
            codes, self._option.astype(np.int64), len(self.option_names)
        )
        top, top_count = top_per_group(group, option, pairs, n_groups, self.option_names)
        return option_columns(count, top, top_count)

    @property
    def count(self) -> int:
        """Messages with a quick reply."""
        return int(self._option.shape[0])

    def trend(self, period: str, *, tz: TimeZone | None = None, top: int | None = None) -> Trend:
        """Each option's count and share per local period, and the change from the period
        before.

        Args:
            period: ``"hour"``, ``"day"``, ``"week"`` (ISO, from Monday) or ``"month"``.
            tz: The time zone of the periods; default UTC.
            top: Only the ``top`` most used options overall (default: every option used).

        Returns:
            A [`Trend`][socialcare_metrics.Trend] with one row per period and option: ``count``,
            ``share`` (of that period's quick replies), ``count_change`` and ``share_change``.
        """
        function = "QuickReplyResult.trend"
        limit = check_top(top, function)
        unit, zone, periods, codes = period_codes(self._keys, period, tz, function)
        ranked = self.top(limit)
        order = np.array([self.option_names.index(r.name) for r in ranked], dtype=np.int64).reshape(
            -1
        )
        n_periods = len(periods)
        timed = codes >= 0
        grid = np.bincount(
            codes[timed] * len(self.option_names) + self._option[timed],
            minlength=n_periods * len(self.option_names),
        ).reshape(n_periods, len(self.option_names))
        totals = np.bincount(codes[timed], minlength=n_periods).astype(np.int64)
        return ranking_trend(
            name="quick replies",
            key="option",
            unit=unit,
            zone=zone,
            periods=periods,
            labels=[r.name for r in ranked],
            grid=grid[:, order],
            totals=totals,
        )
