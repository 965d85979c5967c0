"""A mergeable quantile sketch of durations: DDSketch's logarithmic buckets, kept sparse.

The bucket mapping is ``ddsketch``'s ``LogarithmicMapping``: a value ``x > 0`` falls in bucket
``ceil(log_gamma(x))`` and the bucket's representative value is within ``relative_accuracy`` of
every value in it, ``gamma = (1 + a) / (1 - a)``. The store is a sorted tuple of (bucket, count)
pairs instead of ddsketch's mutable dense store, so that a sketch is an immutable value that
merges by adding counts (exactly, in any order), compares equal, and writes to JSON as two lists
of integers. Durations of 0 are counted apart, exactly.

A percentile is read the way ``numpy.percentile`` computes it: the values at the two closest
ranks around ``q (n - 1)``, interpolated linearly. Each of the two is within the relative accuracy
of the true value at its rank, so the interpolation is within it of the exact percentile too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from .._core.extras import require
from .._core.typing import Int64Array

__all__ = ["RELATIVE_ACCURACY", "QuantileSketch", "sketch_keys"]

#: The relative accuracy of the percentiles of a merged duration state: 1%.
RELATIVE_ACCURACY: Final = 0.01


def _mapping(relative_accuracy: float) -> Any:
    ddsketch = require("ddsketch", "Mergeable duration percentiles", extra="scale")
    return ddsketch.LogarithmicMapping(relative_accuracy)


def _multiplier(relative_accuracy: float) -> float:
    # LogarithmicMapping's key(x) = ceil(log2(x) * m); m as ddsketch defines it.
    return math.log(2) / math.log1p(2 * relative_accuracy / (1 - relative_accuracy))


def sketch_keys(values: npt.NDArray[Any], relative_accuracy: float) -> Int64Array:
    """The bucket of each positive value, for a whole array at once (ddsketch's ``key()`` is
    one Python call per value: ten million durations would take seconds)."""
    keys: Int64Array = np.ceil(
        np.log2(values.astype(np.float64)) * _multiplier(relative_accuracy)
    ).astype(np.int64)
    return keys


@attrs.frozen
class QuantileSketch:
    """Counts of durations (integer nanoseconds) in logarithmic buckets; mergeable.

    Attributes:
        relative_accuracy: Every percentile read from the sketch is within this fraction of the
            exact one.
        zeros: How many durations were exactly 0.
        keys: The buckets that hold durations, increasing.
        counts: How many durations each of ``keys`` holds.

    Examples:
        >>> import numpy as np
        >>> seconds = np.arange(1, 1001, dtype=np.int64) * 10**9
        >>> a, b = QuantileSketch.of(seconds[:300]), QuantileSketch.of(seconds[300:])
        >>> merged = a.merge(b)
        >>> merged == QuantileSketch.of(seconds), merged.count
        (True, 1000)
        >>> exact = float(np.percentile(seconds, 90))
        >>> abs(merged.percentile(90) - exact) <= 0.01 * exact
        True
    """

    relative_accuracy: float
    zeros: int
    keys: tuple[int, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, ns: Int64Array, relative_accuracy: float = RELATIVE_ACCURACY) -> QuantileSketch:
        """The sketch of some durations in integer nanoseconds (none negative)."""
        _mapping(relative_accuracy)  # the optional dependency, named if missing
        positive = ns[ns > 0]
        keys, counts = np.unique(sketch_keys(positive, relative_accuracy), return_counts=True)
        return cls(
            relative_accuracy,
            int(ns.shape[0] - positive.shape[0]),
            tuple(keys.tolist()),
            tuple(counts.tolist()),
        )

    @classmethod
    def combine(cls, sketches: Iterable[QuantileSketch]) -> QuantileSketch:
        """The sketch of every duration of ``sketches`` (of one relative accuracy)."""
        parts = list(sketches)
        accuracy = parts[0].relative_accuracy if parts else RELATIVE_ACCURACY
        table: dict[int, int] = {}
        zeros = 0
        for part in parts:
            zeros += part.zeros
            for key, count in zip(part.keys, part.counts, strict=True):
                table[key] = table.get(key, 0) + count
        ordered = sorted(table)
        return cls(accuracy, zeros, tuple(ordered), tuple(table[k] for k in ordered))

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        """The sketch of both sketches' durations."""
        return QuantileSketch.combine((self, other))

    @property
    def count(self) -> int:
        """How many durations the sketch holds."""
        return self.zeros + sum(self.counts)

    def percentile(self, q: float) -> float | None:
        """The ``q``-th percentile (``q`` in [0, 100]) in float nanoseconds, ``None`` if empty."""
        n = self.count
        if n == 0:
            return None
        virtual = (n - 1) * (q / 100.0)
        below = math.floor(virtual)
        fraction = virtual - below
        a = self._value_at_rank(below)
        b = self._value_at_rank(min(below + 1, n - 1))
        # numpy's linear interpolation, from the nearer end.
        return b - (b - a) * (1.0 - fraction) if fraction >= 0.5 else a + (b - a) * fraction

    def _value_at_rank(self, rank: int) -> float:
        if rank < self.zeros:
            return 0.0
        cumulative = np.cumsum(np.asarray(self.counts, dtype=np.int64))
        position = int(np.searchsorted(cumulative, rank - self.zeros, side="right"))
        mapping = _mapping(self.relative_accuracy)
        key = self.keys[position]
        # ddsketch's value(key): the bucket's representative, 2 gamma^k / (1 + gamma).
        value: float = mapping.value(key)
        return value

    def to_dict(self) -> dict[str, Any]:
        """The sketch as JSON-safe values."""
        return {
            "relative_accuracy": self.relative_accuracy,
            "zeros": self.zeros,
            "keys": list(self.keys),
            "counts": list(self.counts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuantileSketch:
        """The sketch `to_dict()` wrote."""
        return cls(
            float(data["relative_accuracy"]),
            int(data["zeros"]),
            tuple(int(k) for k in data["keys"]),
            tuple(int(c) for c in data["counts"]),
        )
