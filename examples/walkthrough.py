"""A walkthrough, notebook style: load an export, make a DataFrame per brand, save a chart.

Run it as a script, ``python examples/walkthrough.py [FILE]``, or open it as a notebook: VS Code
(and Jupytext, ``jupytext --to notebook walkthrough.py``) reads the ``# %%`` markers as cells.

FILE is a "Customer Support on Twitter" (twcs) export: the Kaggle file, or any part of it with its
header line. Without FILE the walkthrough writes the built-in sample dataset as a generic CSV
export, as a helpdesk would, and loads that, so it always runs. The charts go into a new temporary
directory, whose path is printed.

Needs the ``pandas`` and ``matplotlib`` extras: ``pip install '.[pandas,matplotlib]'``.
"""

# %%
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from socialcare_metrics import (
    first_reply_time,
    load_messages,
    load_twcs,
    sample_conversations,
)
from socialcare_metrics.plots import plot_first_reply_distribution
from socialcare_metrics.reports import team_report

# Run as a script, the first argument names a twcs file. In a notebook, set FILE yourself.
FILE = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name == "walkthrough.py" else None
OUT = Path(tempfile.mkdtemp(prefix="socialcare-metrics-"))

# %% [markdown]
# ## 1. Load the data
#
# A twcs file is read by `load_twcs`, which rebuilds the conversations from the reply links and
# makes each brand the agent (and assignee) of its conversations. Any other export is a CSV with
# one row per message: `load_messages` reads it once you say which column holds which field.
#
# Without a file we make such an export ourselves, from the built-in sample dataset, with column
# names of our own choosing, so the mapping below has something to map.

# %%
EXPORT_COLUMNS = {
    "conversation_id": "ticket",
    "message_id": "message",
    "sent_at": "created_at",
    "author": "sender",
    "agent_id": "agent",
    "channel": "network",
    "private": "internal",
    "assignee": "owner",
    "actioned_at": "actioned_at",
    "resolved_at": "closed_at",
    "text": "body",
}


def write_sample_export(path: Path) -> None:
    """The sample dataset as a helpdesk's CSV export: one row per message, ISO 8601 times."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS.values())
        for conversation in sample_conversations(seed=0):
            resolved = conversation.resolved_at
            for message in conversation.messages:
                writer.writerow(
                    [
                        conversation.id,
                        message.id,
                        message.sent_at.isoformat(),
                        message.author.value,
                        message.agent_id or "",
                        message.channel or conversation.channel or "",
                        "true" if message.private else "false",
                        conversation.assignee or "",
                        message.actioned_at.isoformat() if message.actioned_at else "",
                        resolved.isoformat() if resolved else "",
                        message.text,
                    ]
                )


if FILE is not None:
    loaded = load_twcs(FILE)
    who = "brand"
else:
    export = OUT / "sample-export.csv"
    write_sample_export(export)
    loaded = load_messages(export, columns=EXPORT_COLUMNS)
    who = "agent"

table = loaded.table
print(f"Read {loaded.rows_read:,} rows of {Path(loaded.source).name}: {loaded.rows_used:,} used")
print(f"  {table!r}")

# %% [markdown]
# ## 2. One row per brand
#
# The team report holds, per agent (for twcs: per brand), the workload, first reply time, reply
# wait time and action rate. `to_pandas()` gives its main table as a DataFrame, durations in
# seconds and shares as fractions; from there it is ordinary pandas. Here: the ten busiest, with
# the medians in minutes.

# %%
frame = team_report(table).to_pandas()
per_brand = (
    pd.DataFrame(
        {
            who: frame["agent"].fillna("(none)"),
            "conversations": frame["assigned"],
            "replies": frame["replies"],
            "first_reply_median_min": (frame["first_reply_median"] / 60).round(1),
            "reply_wait_median_min": (frame["reply_wait_median"] / 60).round(1),
            "action_rate_pct": (frame["action_rate"] * 100).round(1),
        }
    )
    .sort_values("conversations", ascending=False, kind="stable")
    .head(10)
)
print()
print(f"The busiest {who}s ({len(per_brand)} of {len(frame)}):")
print(per_brand.to_string(index=False))

# %% [markdown]
# ## 3. Charts
#
# A DataFrame plots like any other: the median first reply of the busiest, fastest at the top.
# The library's own charts (`socialcare_metrics.plots`) take a result and return a matplotlib
# figure; saved as PNG here, shown inline in a notebook when left as a cell's last value.

# %%
ranked = per_brand.dropna(subset=["first_reply_median_min"]).sort_values(
    "first_reply_median_min", ascending=False
)
figure = Figure(figsize=(8, 4), layout="constrained")
axes = figure.add_subplot()
axes.barh(ranked[who], ranked["first_reply_median_min"], color="#1f77b4")
axes.set_xlabel("median first reply time (minutes)")
axes.set_title(f"Median first reply time of the {len(per_brand)} busiest {who}s")
bars = OUT / "first-reply-by-brand.png"
figure.savefig(bars, dpi=100)
print()
print(f"Chart: {bars}")

first = first_reply_time(table)
distribution = plot_first_reply_distribution(first)
histogram = OUT / "first-reply-distribution.png"
distribution.savefig(histogram, dpi=100)
print(f"Chart: {histogram}")
print(f"  {first.count:,} first replies, median {first.median}, {first.pending:,} pending")
