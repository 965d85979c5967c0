"""Private computation under the metrics: inputs to a table, waits, exact durations, SLA items."""
