"""Mergeable states on a large table: one process against partitions merged, and a day added.

Run from the repository root::

    python benchmarks/bench_states.py               # 10,000,000 messages, 8 partitions
    python benchmarks/bench_states.py --n 1000000   # a quicker run

Two comparisons, printed side by side for each metric:

1. **Partitions.** The metric function on the whole table in one process, against the table's
   conversations cut into ``--parts`` partitions (each built from its own columns, so agent and
   channel codes differ between partitions, as partitions loaded apart would), a state computed
   per partition, the states merged, and the merged result. The partitions' times are given as
   their sum (one worker) and their maximum (one worker per partition, the wall time a cluster
   would see), beside the merge and result times and the size of a pickled state. Reply rate's
   states keep every agent and day (as a daily report by agent needs); the others the whole.
2. **Incremental.** The generated data spans 90 days. The state of every conversation opened before
   the last day (the history), pickled and read back, plus the last day's conversations, against
   the function recomputed on everything.

Each merged result is checked against the whole: counts, means, minimum, maximum and rates equal,
percentiles within the sketch's 1% (the largest relative difference seen is printed).
Figures are printed, never asserted: timings belong here, not in the tests.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import pickle
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from generate import generate_columns
from socialcare_metrics import MessageTable, SlaPolicy
from socialcare_metrics.metrics import REGISTRY
from socialcare_metrics.states import MetricState

AS_OF = datetime(2024, 4, 15, tzinfo=UTC)  # after the generated data (90 days from 2024-01-01)
POLICY = SlaPolicy(first_reply=timedelta(hours=1), next_reply=timedelta(hours=4))

#: The metrics benchmarked, with their options.
METRICS: dict[str, dict[str, Any]] = {
    "first_reply_time": {},
    "reply_wait_time": {},
    "resolution_time": {"as_of": AS_OF},
    "messages_received": {},
    "reply_rate": {},
    "resolution_rate": {},
    "sla_compliance": {"policy": POLICY, "as_of": AS_OF},
}

#: Groups kept by each metric's states (the whole only, unless named here).
KEPT: dict[str, tuple[str, ...]] = {"reply_rate": ("agent", "day")}


def fmt(seconds: float) -> str:
    return f"{seconds:.2f}s" if seconds >= 1 else f"{seconds * 1e3:.0f}ms"


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def cut(columns: dict[str, np.ndarray[Any, Any]], rows: np.ndarray[Any, Any]) -> MessageTable:
    return MessageTable.from_columns(**{name: values[rows] for name, values in columns.items()})


def partitions(columns: dict[str, np.ndarray[Any, Any]], parts: int) -> list[MessageTable]:
    """The table's conversations cut into ``parts`` runs of about equal size, each its own
    table (``conversation_id`` is sorted, so a run of rows is a run of conversations)."""
    conversation = columns["conversation_id"]
    n = conversation.shape[0]
    bounds = [0]
    for k in range(1, parts):
        row = n * k // parts
        # Move to the start of the conversation the row is in: conversations come whole.
        bounds.append(int(np.searchsorted(conversation, conversation[row], side="left")))
    bounds.append(n)
    return [cut(columns, np.arange(lo, hi)) for lo, hi in itertools.pairwise(bounds)]


def history_and_day(
    columns: dict[str, np.ndarray[Any, Any]],
) -> tuple[MessageTable, MessageTable]:
    """The conversations opened before the data's last day, and those opened on it."""
    conversation = columns["conversation_id"]
    sent = columns["sent_at"].astype("datetime64[ns]").view(np.int64)
    first = np.flatnonzero(np.r_[True, conversation[1:] != conversation[:-1]])
    opened = np.repeat(sent[first], np.diff(np.r_[first, conversation.shape[0]]))
    cutoff = int(opened.max()) - 86_400 * 10**9
    return cut(columns, np.flatnonzero(opened < cutoff)), cut(
        columns, np.flatnonzero(opened >= cutoff)
    )


def worst_quantile_error(whole: Any, merged: Any) -> float | None:
    """The largest relative difference of the merged median and p90 from the whole's."""
    if not hasattr(merged, "approximate"):
        return None
    errors = []
    for q in (50, 90):
        exact, estimate = whole.percentile(q), merged.percentile(q)
        if exact:
            errors.append(abs(estimate - exact) / exact)
    return max(errors, default=0.0)


def check(whole: Any, merged: Any) -> str:
    """'ok' when every exact figure agrees; else what differs."""
    exact = {k: v for k, v in whole.to_dict().items() if k not in ("median", "p90", "targets")}
    got = merged.to_dict()
    wrong = [k for k, v in exact.items() if k in got and got[k] != v]
    return "ok" if not wrong else "DIFFERS: " + ", ".join(wrong)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="messages (default 10M)")
    parser.add_argument("--parts", type=int, default=8, help="partitions (default 8)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    columns = generate_columns(args.n, seed=args.seed)
    table = MessageTable.from_columns(**columns)
    history, day = history_and_day(columns)
    print(
        f"{len(table):,} messages, {table.n_conversations:,} conversations; "
        f"{args.parts} partitions; history {len(history):,} + day {len(day):,} messages "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    print(
        "Every timing is on tables built afresh (a table keeps the waits it computed, so a second "
        "metric on one table would be faster).\n"
    )

    header = (
        f"{'metric':<26} {'one process':>11} | {'parts sum':>9} {'parts max':>9} {'merge':>7} "
        f"{'result':>7} {'state':>8} {'check':>5} {'pct err':>7} | "
        f"{'recompute':>9} {'day added':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, options in METRICS.items():
        metric = REGISTRY[name]
        state_class = metric.state
        assert state_class is not None
        table = MessageTable.from_columns(**columns)
        slices = partitions(columns, args.parts)
        history, day = history_and_day(columns)
        whole_s, whole = timed(lambda: metric.function(table, **options))  # noqa: B023

        empty: MetricState = state_class.empty(by=KEPT.get(name, ()), **options)
        part_times = []
        states = []
        for part in slices:
            seconds, state = timed(lambda: empty.update(part))  # noqa: B023
            part_times.append(seconds)
            # What crosses the wire: the state without this process's exact items.
            states.append(pickle.loads(pickle.dumps(state)))
        merge_s, merged = timed(lambda: functools.reduce(type(empty).merge, states))  # noqa: B023
        result_s, result = timed(merged.result)
        size = len(pickle.dumps(merged))
        error = worst_quantile_error(whole, result)

        saved = pickle.dumps(empty.update(history))
        add_s, added = timed(
            lambda: pickle.loads(saved).update(day).result()  # noqa: B023
        )
        fresh = MessageTable.from_columns(**columns)
        recompute_s, recomputed = timed(lambda: metric.function(fresh, **options))  # noqa: B023
        assert check(recomputed, added) == "ok", name

        label = name + (f" by {', '.join(KEPT[name])}" if name in KEPT else "")
        print(
            f"{label:<26} {fmt(whole_s):>11} | {fmt(sum(part_times)):>9} "
            f"{fmt(max(part_times)):>9} {merge_s * 1e3:>5.1f}ms {result_s * 1e3:>5.1f}ms "
            f"{size / 1024:>6.1f}KB {check(whole, result):>5} "
            f"{'' if error is None else f'{error:.3%}':>7} | "
            f"{fmt(recompute_s):>9} {fmt(add_s):>9}"
        )


if __name__ == "__main__":
    main()
