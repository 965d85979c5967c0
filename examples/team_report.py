"""The team report over the sample dataset: printed, written as HTML, and as a pandas DataFrame.

One call, `socialcare_metrics.reports.team_report`, gathers per agent the workload, first reply
time, reply wait time, SLA compliance (here against a one-hour first-reply target) and the
slowest replies. The same numbers print as text, write as one self-contained HTML file (inline
charts, nothing loaded from the network) and convert to a DataFrame (durations in seconds,
shares as fractions).

Run it with ``python examples/team_report.py [SEED]`` (needs the ``pandas`` extra). The HTML file
goes into a new temporary directory, whose path is printed.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from socialcare_metrics import MessageTable, SlaPolicy, sample_conversations
from socialcare_metrics.reports import team_report

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0

# Convert the records to the columnar table once; the report computes every metric from it.
table = MessageTable.from_conversations(sample_conversations(seed=seed))
report = team_report(table, sla=SlaPolicy(first_reply=timedelta(hours=1)))

print(f"Sample dataset (seed {seed}): {table!r}")
print()
print(report)

html = Path(tempfile.mkdtemp(prefix="socialcare-metrics-")) / "team-report.html"
report.to_html(html)
print(f"HTML report: {html}")

# One row per agent (the total row left out), every per-agent section side by side: the later
# sections' columns are prefixed with the section's name.
frame = report.to_pandas()
print(f"DataFrame: {len(frame)} rows; columns {', '.join(frame.columns)}")
print(frame[["agent", "replies", "first_reply_median", "sla_compliance"]].to_string(index=False))
