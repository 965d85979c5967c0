"""How fast BusinessCalendar.business_seconds answers, and how it compares with businesstimedelta.

Run from the repository root::

    python benchmarks/bench_calendar.py            # 10,000,000 intervals over two years
    python benchmarks/bench_calendar.py --n 100000 # a quick run

Two parts:

1. ``business_seconds`` over ``--n`` (start, end) pairs of int64 epoch nanoseconds spread across
   two years, on a Berlin calendar with German holidays and a half day: the time of the first
   call (which builds the calendar's open intervals) and of a second one, and the peak memory
   the call allocates beyond its input.
2. The same ``--compare-n`` pairs through the ``businesstimedelta`` package (install it with
   ``pip install businesstimedelta``; the part is skipped when it is missing), on a calendar
   both libraries define identically: Monday to Friday, 09:00-17:00 UTC, no holidays, no DST.
   It prints how many answers agree and the per-interval speed ratio.

Figures are printed, never asserted: timings belong here, not in the tests.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from socialcare_metrics import BusinessCalendar

SECOND = 10**9
START = datetime(2023, 1, 1, tzinfo=UTC)
TWO_YEARS = 2 * 365 * 86_400 * SECOND


def make_intervals(n: int, seed: int = 0) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Starts uniform over two years; durations from seconds to days, like reply waits."""
    rng = np.random.default_rng(seed)
    origin = (START - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 1000
    starts = origin + rng.integers(0, TWO_YEARS, n, dtype=np.int64)
    durations = np.exp(rng.uniform(np.log(1.0), np.log(5 * 86_400.0), n)) * SECOND
    return starts, starts + durations.astype(np.int64)


def best_time(run: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs: the others measure whatever else the machine was doing."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def berlin_calendar() -> BusinessCalendar:
    return BusinessCalendar(
        "Europe/Berlin",
        "mon-fri 09:00-17:00; sat 10:00-14:00",
        country="DE",
        special_hours={"2023-12-24": "closed", "2024-12-24": "09:00-13:00"},
    )


def bench_vectorised(n: int, repeat: int) -> float:
    starts, ends = make_intervals(n)
    calendar = berlin_calendar()
    began = time.perf_counter()
    result = calendar.business_seconds(starts, ends)
    cold = time.perf_counter() - began
    warm = best_time(lambda: calendar.business_seconds(starts, ends), repeat)
    # Memory is measured on a fresh calendar of its own: tracing slows everything it watches.
    tracemalloc.start()
    berlin_calendar().business_seconds(starts, ends)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"business_seconds over {n:,} intervals spanning two years (Europe/Berlin, DE holidays)")
    print(f"  first call (builds the open intervals):  {cold:.3f} s")
    print(f"  later calls (cached), best of {repeat}:      {warm:.3f} s")
    print(f"  per interval, cached:                    {warm / n * 1e9:.1f} ns")
    print(f"  peak memory allocated by a first call:   {peak / 2**20:.1f} MiB")
    sizes = f"its input is {2 * starts.nbytes / 2**20:.1f} MiB"
    print(f"    ({sizes}, its output {result.nbytes / 2**20:.1f} MiB)")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  process peak resident memory:            {max_rss / 2**10:.1f} MiB")
    print(f"  mean business hours per interval:        {result.mean() / 3600:.3f}")
    return warm / n


def bench_against_businesstimedelta(n: int, our_seconds_each: float, repeat: int) -> None:
    try:
        import businesstimedelta
        import pytz
    except ImportError:
        print("businesstimedelta is not installed: skipping the comparison")
        print("  (pip install businesstimedelta)")
        return
    calendar = BusinessCalendar("UTC", "mon-fri 09:00-17:00")
    rule = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=datetime.min.time().replace(hour=9),
                end_time=datetime.min.time().replace(hour=17),
                working_days=[0, 1, 2, 3, 4],
                tz=pytz.utc,
            )
        ]
    )
    # businesstimedelta counts whole seconds, so the instants are whole seconds here.
    starts, ends = (values // SECOND * SECOND for values in make_intervals(n, seed=1))
    calendar.business_seconds(starts, ends)  # build the open intervals first
    ours = calendar.business_seconds(starts, ends)
    our_time = best_time(lambda: calendar.business_seconds(starts, ends), repeat)

    def to_datetime(value: np.int64) -> datetime:
        return datetime(1970, 1, 1, tzinfo=pytz.utc) + timedelta(microseconds=int(value) // 1000)

    moments = [(to_datetime(a), to_datetime(b)) for a, b in zip(starts, ends, strict=True)]
    theirs = [rule.difference(a, b).timedelta.total_seconds() for a, b in moments]
    their_time = best_time(lambda: [rule.difference(a, b) for a, b in moments], repeat)
    agree = int(np.sum(ours == np.array(theirs)))
    print(f"against businesstimedelta on the same {n:,} intervals (mon-fri 09:00-17:00 UTC)")
    print(f"  (times are the best of {repeat} runs each)")
    print(f"  agreement:              {agree:,} of {n:,}")
    print(f"  businesstimedelta:      {their_time:.3f} s  ({their_time / n * 1e6:.1f} us each)")
    print(f"  business_seconds:       {our_time:.5f} s  ({our_time / n * 1e9:.1f} ns each)")
    print(f"  speed ratio, same {n:,} intervals:     {their_time / our_time:,.0f}x")
    if our_seconds_each:
        ratio = their_time / n / our_seconds_each
        print(f"  speed ratio, per interval at full size: {ratio:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=10_000_000, help="intervals for the vectorised run"
    )
    parser.add_argument(
        "--compare-n",
        type=int,
        default=10_000,
        help="intervals for the comparison with businesstimedelta",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best counts")
    arguments = parser.parse_args()
    seconds_each = bench_vectorised(arguments.n, arguments.repeat)
    print()
    bench_against_businesstimedelta(arguments.compare_n, seconds_each, arguments.repeat)


if __name__ == "__main__":
    main()
