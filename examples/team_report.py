"""A team report: first reply time and reply wait time per agent, over the sample dataset.

Run it with ``python examples/team_report.py [SEED]``.
"""

from __future__ import annotations

import sys

from socialcare_metrics import (
    MessageTable,
    first_reply_time,
    format_duration,
    reply_wait_time,
    sample_conversations,
)

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0

# Convert the records to the columnar table once and hand it to every metric.
table = MessageTable.from_conversations(sample_conversations(seed=seed))
first = first_reply_time(table).by("agent")
waits = reply_wait_time(table).by("agent")

header = ("agent", "first replies", "median first reply", "replies", "median wait", "pending")
rows = []
for agent, result in waits.items():
    firsts = first.get(agent)
    rows.append(
        (
            agent or "(unassigned)",
            str(firsts.count if firsts else 0),
            format_duration(firsts.median if firsts else None),
            str(result.count),
            format_duration(result.median),
            str(result.pending),
        )
    )
widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

print(f"Team report, sample dataset (seed {seed})")
for row in [header, *rows]:
    cells = [row[0].ljust(widths[0])] + [
        c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
    ]
    print("  ".join(cells))
print("A wait counts for the agent whose reply closed it; a pending one for the assignee.")
