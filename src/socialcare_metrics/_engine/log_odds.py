"""The log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008).

Two sets of messages, ``i`` (the segment) and ``j`` (what it is compared against), and a
background corpus that holds them both (every customer message). For a term ``w``:

- ``y_i``, ``y_j``: how many messages of each set use it; ``n_i``, ``n_j``: the sums of those
  counts over all terms;
- the prior's pseudo-count ``a_w = prior * y_w``, where ``y_w`` counts the term over the whole
  corpus, and ``a0 = prior * n`` its sum over all terms;
- ``delta = log((y_i + a_w) / (n_i + a0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a0 - y_j - a_w))``,
  the difference of the term's smoothed log-odds in the two sets;
- ``var = 1 / (y_i + a_w) + 1 / (y_j + a_w)``, its approximate variance, and
  ``z = delta / sqrt(var)``.

Every input is an integer count, so the same counts give the same bits whatever order the data
came in, and swapping the two sets negates ``delta`` and ``z`` exactly.
"""

from __future__ import annotations

import numpy as np

from .._core.typing import FloatArray, Int64Array

__all__ = ["log_odds"]


def log_odds(
    y_i: Int64Array,
    y_j: Int64Array,
    y: Int64Array,
    n_i: Int64Array,
    n_j: Int64Array,
    n: Int64Array,
    prior: float,
) -> tuple[FloatArray, FloatArray]:
    """``delta`` and ``z`` of each term, elementwise (totals may be per term, e.g. per group).

    Requires ``y >= y_i + y_j > 0`` and ``n >= y`` (the corpus holds both sets). When one side's
    odds are undefined (its set uses no other term and the corpus has no other term either),
    the term tells the sets apart no more than chance: ``delta`` and ``z`` are 0.
    """
    a = prior * y.astype(np.float64)
    rest = prior * (n - y).astype(np.float64)  # a0 - a, exact 0 when the corpus has one term
    num_i = y_i + a
    num_j = y_j + a
    den_i = (n_i - y_i) + rest
    den_j = (n_j - y_j) + rest
    defined = (den_i > 0) & (den_j > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(num_i) - np.log(den_i)) - (np.log(num_j) - np.log(den_j))
        z = delta / np.sqrt(1.0 / num_i + 1.0 / num_j)
    delta = np.where(defined, delta, 0.0)
    z = np.where(defined, z, 0.0)
    return delta, z
