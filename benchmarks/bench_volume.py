"""How fast the volume, productivity, satisfaction and task metrics run on a large table.

Run from the repository root::

    python benchmarks/bench_volume.py               # 10,000,000 messages
    python benchmarks/bench_volume.py --n 1000000   # a quicker run

The message table is built once (from ``generate.generate_columns``, plus an ``actioned_at``
column: about 5% of customer messages actioned 1 to 60 minutes after they were sent), then every
metric is timed on it, best of ``--repeat`` runs. The budget is the speed metrics': the whole
set of a report within 5 s on 10 million messages, so each metric well under a second.

Survey metrics run on ``--surveys`` generated responses (from columns), task performance on
``--tasks`` Task records (record conversion included: that is how tasks arrive).

When pandas is installed, inbound volume per local day is also computed the pandas way
(``tz_convert`` then ``floor``/``value_counts``) on the same timestamps, and the two results are
checked to agree; the speed ratio is printed.

Figures are printed, never asserted: timings belong here, not in the tests.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from generate import generate_columns
from socialcare_metrics import (
    MessageTable,
    SurveyTable,
    Task,
    action_rate,
    csat,
    hour_of_week,
    inbound_volume,
    messages_received,
    nps,
    reply_rate,
    resolution_rate,
    task_performance,
    time_to_action,
    total_replies,
    unique_messages_replied,
)
from socialcare_metrics._engine.waits import compute_waits

SECOND = 10**9


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def build_table(n: int, seed: int) -> MessageTable:
    columns = generate_columns(n, seed=seed)
    rng = np.random.default_rng(seed + 1)
    sent = columns["sent_at"].astype("datetime64[ns]").view(np.int64)
    actioned = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    chosen = (columns["author"] == 0) & (rng.random(n) < 0.05)
    delay = rng.integers(60, 3_600, size=n) * SECOND
    actioned[chosen] = sent[chosen] + delay[chosen]
    return MessageTable.from_columns(**columns, actioned_at=actioned.view("datetime64[ns]"))


def pandas_daily(table: MessageTable, tz: str) -> Any:
    import pandas as pd

    customer = (table.author == 0) & ~table.private
    stamps = pd.to_datetime(table.sent_at[customer], utc=True).tz_convert(tz)
    counts = stamps.floor("D", ambiguous=False, nonexistent="shift_forward").value_counts()
    return counts.sort_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="messages in the table")
    parser.add_argument("--surveys", type=int, default=1_000_000, help="survey responses")
    parser.add_argument("--tasks", type=int, default=100_000, help="Task records")
    parser.add_argument("--repeat", type=int, default=3, help="runs per metric; the best counts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    table = build_table(args.n, args.seed)
    print(f"table: {table!r}, built in {time.perf_counter() - started:.2f} s (not counted below)")

    metrics: list[tuple[str, Callable[[], Any]]] = [
        # Not a metric: the waits engine alone, which the reply and action metrics run first.
        ("(compute_waits alone)", lambda: len(compute_waits(table))),
        ("messages_received", lambda: messages_received(table).count),
        ("total_replies", lambda: total_replies(table).count),
        ("unique_messages_replied", lambda: unique_messages_replied(table).count),
        ("reply_rate", lambda: reply_rate(table).value),
        ("resolution_rate", lambda: resolution_rate(table).value),
        ("action_rate", lambda: action_rate(table).value),
        ("time_to_action", lambda: time_to_action(table).mean),
        ("inbound_volume day UTC", lambda: inbound_volume(table).total),
        (
            "inbound_volume hour Berlin",
            lambda: inbound_volume(table, period="hour", tz="Europe/Berlin").total,
        ),
        ("hour_of_week Berlin", lambda: hour_of_week(table, tz="Europe/Berlin").total),
    ]
    # Grouping is timed on its own, on a result computed once: that is how a report uses it.
    rate = reply_rate(table)
    groupings: list[tuple[str, Callable[[], Any]]] = [
        ("  reply rate .by('agent')", lambda: len(rate.by("agent"))),
        ("  reply rate .by('channel')", lambda: len(rate.by("channel"))),
        ("  reply rate .by('day', Berlin)", lambda: len(rate.by("day", tz="Europe/Berlin"))),
    ]
    total = 0.0
    print(f"\n{'metric':<32} {'best s':>8} {'M msg/s':>9}  value")
    for name, run in metrics + groupings:
        seconds, value = best_of(args.repeat, run)
        total += seconds
        speed = len(table) / seconds / 1e6 if seconds else float("inf")
        print(f"{name:<32} {seconds:8.3f} {speed:9.1f}  {value}")
    print(f"{'all of the above':<32} {total:8.3f}   (budget: 5 s for a report)")
    print("(each reply or action metric runs the waits engine once: its time is included above)")

    rng = np.random.default_rng(args.seed + 2)
    m = args.surveys
    base = np.datetime64("2024-01-01T00:00:00", "ns")
    answered = base + (rng.integers(0, 90 * 86_400, size=m) * SECOND).astype("timedelta64[ns]")
    kinds = np.where(rng.random(m) < 0.5, "csat", "nps")
    scores = np.where(kinds == "csat", rng.integers(1, 6, size=m), rng.integers(0, 11, size=m))
    seconds, surveys = best_of(
        args.repeat,
        lambda: SurveyTable.from_columns(
            kind=kinds, score=scores, answered_at=answered, agent_id=rng.integers(0, 60, size=m)
        ),
    )
    print(f"\nSurveyTable.from_columns ({m:,} rows)  {seconds:8.3f} s")
    for name, run in (
        ("csat", lambda: csat(surveys).csat),
        ("nps", lambda: nps(surveys).nps),
        ("csat.by('month')", lambda: len(csat(surveys).by("month"))),
        ("nps.by('agent')", lambda: len(nps(surveys).by("agent"))),
    ):
        seconds, value = best_of(args.repeat, run)
        print(f"{name:<32} {seconds:8.3f} s  {value}")

    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    tasks = [
        Task(
            f"t{i}",
            f"agent{i % 60}",
            t0 + timedelta(minutes=i),
            None if i % 7 == 0 else t0 + timedelta(minutes=i + 30 + i % 240),
        )
        for i in range(args.tasks)
    ]
    seconds, value = best_of(args.repeat, lambda: task_performance(tasks).completion_rate)
    label = f"task_performance ({args.tasks:,} records)"
    print(f"{label:<32} {seconds:8.3f} s  {value}")
    seconds, value = best_of(args.repeat, lambda: len(task_performance(tasks).by("assignee")))
    print(f"{'  .by(assignee)':<32} {seconds:8.3f} s  {value}")

    try:
        import pandas  # noqa: F401
    except ImportError:
        print("\npandas is not installed: the baseline comparison is skipped")
        return
    ours_s, ours = best_of(args.repeat, lambda: inbound_volume(table, tz="Europe/Berlin"))
    theirs_s, theirs = best_of(args.repeat, lambda: pandas_daily(table, "Europe/Berlin"))
    theirs_dict = {ts.to_pydatetime(): int(c) for ts, c in theirs.items()}
    ours_dict = {p: int(c) for p, c in zip(ours.periods, ours.counts.tolist(), strict=True) if c}
    agree = ours_dict == theirs_dict
    print(
        f"\ninbound volume per Berlin day: ours {ours_s:.3f} s, pandas {theirs_s:.3f} s "
        f"(x{theirs_s / ours_s:.1f}); results agree: {agree}"
    )


if __name__ == "__main__":
    main()
