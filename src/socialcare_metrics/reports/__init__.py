"""Reports: the team, activity and task performance reports a social inbox shows.

Each report is one [`Report`][socialcare_metrics.reports.Report] object made of titled sections
of rows, with the window it covers and the definitions it used. ``str(report)`` prints it,
``report.to_html(path)`` writes one self-contained HTML file, ``report.to_dict()`` gives its
stable JSON schema and ``report.to_pandas()`` a DataFrame.
"""

from ._build import activity_report, task_report, team_report
from ._report import SCHEMA_VERSION, Chart, Report, Section

__all__ = [
    "SCHEMA_VERSION",
    "Chart",
    "Report",
    "Section",
    "activity_report",
    "task_report",
    "team_report",
]
