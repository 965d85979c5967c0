"""Statistics of every group at once: counts, exact means, minimum, maximum and percentiles.

A result split into many groups (100,000 agents, customers or agent-days) is summarised here in
one vectorised pass instead of one pass per group. A whole result is the same computation with one
group, so a group's row in a grouped summary and that group's own result agree by construction.

Durations are int64 nanoseconds and come out as whole microseconds, rounded half up (a
``timedelta`` has microsecond resolution). Percentiles interpolate linearly between the closest
ranks, exactly as ``numpy.percentile``'s default method does.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.typing import BoolArray, FloatArray, Int64Array

__all__ = ["SortedGroups", "group_counts", "sort_within_groups"]

_NS_PER_S: Final = 1_000_000_000
_NS_PER_US: Final = 1_000
_INT64_MAX: Final = int(np.iinfo(np.int64).max)


def group_counts(codes: Int64Array, n_groups: int, where: BoolArray | None = None) -> Int64Array:
    """How many items (optionally: where ``where`` holds) each group code has."""
    if n_groups == 1:  # the whole result: no need to look at the codes
        size = codes.shape[0] if where is None else int(np.count_nonzero(where))
        return np.array([size], dtype=np.int64)
    if where is not None:
        codes = codes[where]
    counts: Int64Array = np.bincount(codes, minlength=n_groups).astype(np.int64, copy=False)
    return counts


@attrs.frozen(eq=False)
class SortedGroups:
    """The values of each group, sorted ascending, one group after another.

    ``values[starts[g]:starts[g] + counts[g]]`` are group ``g``'s values in ascending order.
    """

    values: Int64Array
    counts: Int64Array
    starts: Int64Array

    @property
    def n_groups(self) -> int:
        return int(self.counts.shape[0])

    def minimum(self) -> Int64Array:
        """Each group's smallest value (0 for an empty group: mask with ``counts``)."""
        return self._at(self.starts)

    def maximum(self) -> Int64Array:
        """Each group's largest value (0 for an empty group)."""
        return self._at(self.starts + self.counts - 1)

    def _at(self, positions: Int64Array) -> Int64Array:
        out = np.zeros(self.n_groups, dtype=np.int64)
        full = self.counts > 0
        out[full] = self.values[positions[full]]
        return out

    def percentile(self, q: float) -> FloatArray:
        """Each group's ``q``-th percentile (linear interpolation), NaN for an empty group.

        The same arithmetic as ``numpy.percentile(values, q)`` (method ``"linear"``), so a group
        of one result and the whole result give identical numbers.
        """
        out = np.full(self.n_groups, np.nan, dtype=np.float64)
        full = np.flatnonzero(self.counts > 0)
        if full.size == 0:
            return out
        n = self.counts[full]
        virtual = (n - 1).astype(np.float64) * (np.float64(q) / 100.0)
        below = np.floor(virtual)
        gamma = virtual - below
        lo = below.astype(np.int64)
        hi = np.minimum(lo + 1, n - 1)
        a_int = self.values[self.starts[full] + lo]
        b_int = self.values[self.starts[full] + hi]
        # numpy's _lerp: a + (b - a) * t, computed from the upper end when t >= 0.5, with the
        # difference taken in int64 (exact: values near 2**54 would lose it as floats).
        diff = (b_int - a_int).astype(np.float64)
        a, b = a_int.astype(np.float64), b_int.astype(np.float64)
        lerp = a + diff * gamma
        upper = gamma >= 0.5
        lerp[upper] = b[upper] - diff[upper] * (1.0 - gamma[upper])
        out[full] = lerp
        return out

    def mean_us(self) -> Int64Array:
        """Each group's exact mean in whole microseconds, rounded half up (0 for an empty group)."""
        return group_mean_us(self.values, self.counts, self.starts)


def group_mean_us(values: Int64Array, counts: Int64Array, starts: Int64Array) -> Int64Array:
    """The exact mean of each run ``values[starts[g]:starts[g] + counts[g]]``, in whole
    microseconds rounded half up (0 for an empty run). The order within a run does not matter.

    The sums are exact: each value is split into whole seconds and the nanoseconds left, and
    each part is summed in int64 (no overflow below about nine billion items per group).
    """
    out = np.zeros(counts.shape[0], dtype=np.int64)
    full = np.flatnonzero(counts > 0)
    if full.size == 0:
        return out
    seconds, rest = np.divmod(values, _NS_PER_S)
    second_sums = np.add.reduceat(seconds, starts[full])
    rest_sums = np.add.reduceat(rest, starts[full])
    out[full] = mean_us_of_sums(second_sums, rest_sums, counts[full])
    return out


def split_sums(values: Int64Array) -> tuple[int, int]:
    """The sum of ``values`` as (whole seconds, nanoseconds left), each exact: what
    `mean_us_of_sums` takes, and what partial sums of a mergeable state keep."""
    seconds, rest = np.divmod(values, _NS_PER_S)
    return int(seconds.sum()), int(rest.sum())


def mean_us_of_sums(second_sums: Int64Array, rest_sums: Int64Array, n: Int64Array) -> Int64Array:
    """Exact means in whole microseconds (rounded half up) from the sums of whole seconds and of
    the nanoseconds left, over ``n > 0`` values each: the arithmetic of `group_mean_us`, so a
    mean from merged partial sums is the mean over all the values to the last digit."""
    whole, remainder = np.divmod(second_sums, n)
    # mean ns = whole * 1e9 + (remainder * 1e9 + rest_sum) / n, the last term below 2e9.
    fraction_ns = (remainder * _NS_PER_S + rest_sums) / n
    out: Int64Array = whole * (_NS_PER_S // _NS_PER_US) + np.floor(
        fraction_ns / _NS_PER_US + 0.5
    ).astype(np.int64)
    return out


def mean_us(values: Int64Array) -> int:
    """The exact mean of ``values`` in whole microseconds, rounded half up (no sort needed)."""
    one = np.array([values.shape[0]], dtype=np.int64)
    return int(group_mean_us(values, one, np.zeros(1, dtype=np.int64))[0])


def sort_within_groups(values: Int64Array, codes: Int64Array, n_groups: int) -> SortedGroups:
    """Sort ``values`` by group code, then ascending within each group.

    One sort of a combined int64 key is much faster than a lexsort of two keys: when every
    (group, value) pair fits in int64 the key is ``code * span + (value - min)``; otherwise the
    values are replaced by their ranks first, which always fit.
    """
    counts = (
        group_counts(codes, n_groups)
        if n_groups != 1
        else np.array([values.shape[0]], dtype=np.int64)
    )
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    if values.size == 0:
        return SortedGroups(values=values.astype(np.int64), counts=counts, starts=starts)
    if n_groups == 1:
        return SortedGroups(values=np.sort(values), counts=counts, starts=starts)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if n_groups * span <= _INT64_MAX:
        key = codes * np.int64(span) + (values - np.int64(low))
        key.sort()
        # Sorted keys run through the groups in code order, ``counts[g]`` of group ``g``: taking
        # each group's ``code * span`` off again costs less than an integer division per key.
        ordered: Int64Array = key - np.repeat(
            np.arange(n_groups, dtype=np.int64) * np.int64(span), counts
        )
        ordered += np.int64(low)
        return SortedGroups(values=ordered, counts=counts, starts=starts)
    order = np.argsort(values)
    rank = np.empty(values.shape[0], dtype=np.int64)
    rank[order] = np.arange(values.shape[0], dtype=np.int64)
    key = codes * np.int64(values.shape[0]) + rank
    key.sort()
    ordered = values[order[key % np.int64(values.shape[0])]]
    return SortedGroups(values=ordered, counts=counts, starts=starts)


def sort_whole(values: Int64Array) -> SortedGroups:
    """The values of a whole result (one group), sorted."""
    return SortedGroups(
        values=np.sort(values),
        counts=np.array([values.shape[0]], dtype=np.int64),
        starts=np.zeros(1, dtype=np.int64),
    )


def round_us(values: Int64Array) -> Int64Array:
    """Integer nanoseconds as whole microseconds, rounded half up."""
    out: Int64Array = (values + _NS_PER_US // 2) // _NS_PER_US
    return out


def us_to_seconds(values: Int64Array, valid: BoolArray) -> FloatArray:
    """Whole microseconds as float seconds, NaN where not ``valid`` (undefined)."""
    seconds: FloatArray = values / 1e6
    seconds[~valid] = np.nan
    return seconds


def ns_float_to_us(values: FloatArray) -> Int64Array:
    """Float nanoseconds (from interpolation) as whole microseconds, rounded half up."""
    out: Int64Array = np.floor(np.nan_to_num(values) / _NS_PER_US + 0.5).astype(np.int64)
    return out


def shares(numerator: npt.NDArray[Any], denominator: Int64Array) -> FloatArray:
    """``numerator / denominator`` per group, NaN (undefined) where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio: FloatArray = numerator / denominator
    ratio[denominator == 0] = np.nan
    return ratio
