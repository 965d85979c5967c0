"""Charts of results, drawn with matplotlib (the optional ``matplotlib`` extra).

Each function takes a result, draws one chart and returns its matplotlib ``Figure``; give
``ax=`` to draw into an axes of your own figure instead (that axes' figure is returned). The
figures are made without ``pyplot``, so nothing depends on a display or on global state: save
them with ``figure.savefig("chart.png")``, or show them in a notebook by leaving the figure as
the cell's value. Time axes are in the result's own time zone.

Install the extra with ``pip install 'socialcare-metrics[matplotlib]'``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import numpy as np

from ._core.extras import require
from ._core.periods import PeriodUnit, TimeZone
from ._core.time import ns_to_datetime
from .errors import InvalidParameterError
from .results.durations import DurationResult, format_duration
from .results.sentiment import SentimentResult
from .results.series import WEEKDAYS, HourOfWeekResult, VolumeSeries
from .results.sla import SlaReport, SlaResult
from .results.topics import TopicResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_first_reply_distribution",
    "plot_hour_of_week",
    "plot_inbound_volume",
    "plot_sentiment_over_time",
    "plot_sla_by_agent",
    "plot_topics_over_time",
]

_SIZE: Final = (8.0, 4.0)

_UNITS: Final = (("days", 86_400), ("hours", 3_600), ("minutes", 60), ("seconds", 1))

_NONE_LABEL: Final = "(none)"


def _axes(ax: Axes | None, what: str, size: tuple[float, float] = _SIZE) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure of ``size``."""
    require("matplotlib", f"{what}()")
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is None:
        figure = Figure(figsize=size, layout="constrained")
        return figure, figure.add_subplot()
    if not isinstance(ax, Axes):
        raise InvalidParameterError(what, "ax", "a matplotlib Axes or None", ax)
    owner = ax.get_figure()
    while owner is not None and not isinstance(owner, Figure):
        owner = owner.get_figure()  # a subfigure's parent, up to the figure
    if owner is None:
        raise InvalidParameterError(what, "ax", "an Axes that belongs to a figure", ax)
    return owner, ax


def _check_type(value: object, expected: type | tuple[type, ...], what: str, name: str) -> None:
    if not isinstance(value, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        wanted = " or ".join(f"a {kind.__name__}" for kind in kinds)
        raise InvalidParameterError(what, name, wanted, value)


def _check_positive(value: object, what: str, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(what, name, "an int >= 1", value)


def _check_title(title: object, what: str) -> None:
    if title is not None and not isinstance(title, str):
        raise InvalidParameterError(what, "title", "a str or None", title)


def plot_inbound_volume(
    series: VolumeSeries, *, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Inbound volume over time: customer messages per period, as a step line.

    Each period is drawn from its start to its end in the series' own time zone (the one
    [`inbound_volume`][socialcare_metrics.inbound_volume] counted in), so a day starts at local
    midnight on the axis; empty periods are drawn at zero.

    Args:
        series: The result of [`inbound_volume`][socialcare_metrics.inbound_volume].
        ax: A matplotlib axes to draw into; by default a new 8 x 4 inch figure.
        title: The chart's title (default: what it shows, with the period and time zone).

    Returns:
        The matplotlib figure.
    """
    what = "plot_inbound_volume"
    _check_type(series, VolumeSeries, what, "series")
    _check_title(title, what)
    figure, axes = _axes(ax, what)
    import matplotlib.dates as mdates

    counts = series.counts
    if len(series):
        zone = series.periods[0].tzinfo
        edges = mdates.date2num(  # type: ignore[no-untyped-call]
            [*series.periods, ns_to_datetime(int(series.ends[-1])).astimezone(zone)]
        )
        values = np.append(counts, counts[-1])
        axes.step(edges, values, where="post", color="#1f77b4", linewidth=1.5)
        axes.fill_between(edges, values, step="post", alpha=0.15, color="#1f77b4")
        locator = mdates.AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        formatter = mdates.ConciseDateFormatter(locator, tz=zone)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(formatter)
    else:
        axes.text(0.5, 0.5, "no messages", ha="center", va="center", transform=axes.transAxes)
    axes.set_ylim(bottom=0)
    axes.set_ylabel(f"customer messages per {series.unit}")
    axes.set_xlabel(f"time ({series.tz})")
    axes.set_title(title if title is not None else f"Inbound volume per {series.unit}")
    axes.grid(True, axis="y", alpha=0.3)
    return figure


def plot_hour_of_week(
    result: HourOfWeekResult, *, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """When customers write: a heatmap of messages by local weekday (rows) and hour (columns).

    Args:
        result: The result of [`hour_of_week`][socialcare_metrics.hour_of_week].
        ax: A matplotlib axes to draw into; by default a new 10 x 3.6 inch figure.
        title: The chart's title (default: what it shows, with the time zone).

    Returns:
        The matplotlib figure; its colour bar is labelled with the count.
    """
    what = "plot_hour_of_week"
    _check_type(result, HourOfWeekResult, what, "result")
    _check_title(title, what)
    figure, axes = _axes(ax, what, (10.0, 3.6))
    image = axes.imshow(result.matrix, aspect="auto", cmap="Blues", interpolation="nearest")
    axes.set_yticks(range(7), [day[:3] for day in WEEKDAYS])
    axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    axes.set_xlabel(f"hour of the day ({result.tz})")
    axes.set_title(title if title is not None else "Customer messages by hour of the week")
    figure.colorbar(image, ax=axes, label="messages")
    return figure


def plot_first_reply_distribution(
    result: DurationResult,
    *,
    bins: int = 30,
    log: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """How long customers waited: a histogram of the closed durations of a duration result.

    Made for [`first_reply_time`][socialcare_metrics.first_reply_time], it draws any duration
    result the same way (reply wait time, resolution time, time to action). The median and the
    90th percentile are marked and named in the legend; pending items are not durations yet and
    are counted in the legend only.

    Args:
        result: A duration result.
        bins: How many bins (an int >= 1).
        log: Bins of equal width on a logarithmic time axis (the default: waits span seconds to
            days), or of equal width in time.
        ax: A matplotlib axes to draw into; by default a new 8 x 4 inch figure.
        title: The chart's title (default: the result's name).

    Returns:
        The matplotlib figure.
    """
    what = "plot_first_reply_distribution"
    _check_type(result, DurationResult, what, "result")
    _check_positive(bins, what, "bins")
    if not isinstance(log, bool):
        raise InvalidParameterError(what, "log", "True or False", log)
    _check_title(title, what)
    figure, axes = _axes(ax, what)
    seconds = result.nanoseconds / 1e9
    unit_name, per_unit = _unit_for(float(np.median(seconds)) if seconds.size else 0.0)
    values = seconds / per_unit
    if values.size:
        if log:
            # A logarithmic axis has no zero: durations under a second are drawn at one second.
            positive = values[values > 0]
            floor = max(float(positive.min()) if positive.size else 0.0, 1.0 / per_unit)
            values = np.maximum(values, floor)
            high = max(float(values.max()), floor * 10)
            axes.hist(values, bins=np.geomspace(floor, high, bins + 1).tolist())
            axes.set_xscale("log")
        else:
            axes.hist(values, bins=bins)
        for stat, style in (("median", "--"), ("p90", ":")):
            moment = getattr(result, stat)
            assert isinstance(moment, timedelta)
            axes.axvline(
                moment.total_seconds() / per_unit,
                color="#d62728",
                linestyle=style,
                label=f"{stat} {format_duration(moment)}",
            )
        axes.legend(title=f"{result.count:,} closed, {result.pending:,} pending")
    else:
        axes.text(0.5, 0.5, "no closed items", ha="center", va="center", transform=axes.transAxes)
    axes.set_xlabel(f"{result.name} ({unit_name})")
    axes.set_ylabel("count")
    axes.set_title(title if title is not None else result.name[:1].upper() + result.name[1:])
    return figure


def plot_sla_by_agent(
    result: SlaReport | SlaResult,
    *,
    top: int | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """SLA compliance per agent: one horizontal bar each, the lowest compliance at the top.

    Compliance is achieved / (achieved + breached); each bar is labelled with it and with the
    items it is based on. Agents with only pending items have no compliance yet and are listed
    with an empty bar.

    Args:
        result: The result of [`sla_compliance`][socialcare_metrics.sla_compliance], or one of
            its targets (``report.first_reply``).
        top: Show only the ``top`` agents with the most scored items (default: all).
        ax: A matplotlib axes to draw into; by default a new figure sized to the agents.
        title: The chart's title (default: what it shows).

    Returns:
        The matplotlib figure.
    """
    what = "plot_sla_by_agent"
    _check_type(result, (SlaReport, SlaResult), what, "result")
    if top is not None:
        _check_positive(top, what, "top")
    _check_title(title, what)
    rows = _sla_rows(result)
    if top is not None:
        rows = sorted(rows, key=lambda row: -(row[2] + row[3]))[:top]
    # The lowest compliance at the top of the chart (the last bar is drawn at the top).
    rows.sort(key=lambda row: (-(row[1] if row[1] is not None else 2.0), row[0]))
    height = max(2.5, 0.35 * len(rows) + 1.2)
    figure, axes = _axes(ax, what, (8.0, height))
    names = [row[0] for row in rows]
    shares = [100 * row[1] if row[1] is not None else 0.0 for row in rows]
    bars = axes.barh(range(len(rows)), shares, color="#2ca02c")
    for bar, (_, share, achieved, breached, pending) in zip(bars, rows, strict=True):
        text = "no scored item" if share is None else f"{100 * share:.1f}%"
        text += f"  ({achieved} achieved, {breached} breached, {pending} pending)"
        axes.annotate(
            text,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axes.set_yticks(range(len(rows)), names)
    # Room on the right for the labels; the scale itself stops at 100%.
    axes.set_xlim(0, 160)
    axes.set_xticks(range(0, 101, 20))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlabel("compliance (%)")
    if not rows:
        axes.text(0.5, 0.5, "no SLA items", ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title if title is not None else "SLA compliance by agent")
    return figure


def _sla_rows(
    result: SlaReport | SlaResult,
) -> list[tuple[str, float | None, int, int, int]]:
    rows = []
    for name, part in result.by("agent").items():
        label = _NONE_LABEL if name is None else str(name)
        rows.append((label, part.compliance, part.achieved, part.breached, part.pending))
    return rows


def _unit_for(seconds: float) -> tuple[str, int]:
    """The unit to draw durations around ``seconds`` in: its name and seconds per unit."""
    for name, per in _UNITS:
        if seconds >= per:
            return name, per
    return _UNITS[-1]


def _time_axis(axes: Axes, zone: object) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator, tz=zone)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)


def plot_sentiment_over_time(
    result: SentimentResult,
    *,
    period: PeriodUnit = "week",
    tz: TimeZone | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Sentiment per period: the shares of positive, neutral and negative messages as stacked
    bars (of the scored messages of each period), and net sentiment as a line on its own axis.

    Args:
        result: The result of [`customer_sentiment`][socialcare_metrics.customer_sentiment].
        period: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``; every period from the first
            message to the last is drawn, empty ones as gaps.
        tz: The time zone of the periods (default: the result's).
        ax: A matplotlib axes to draw into; by default a new 8 x 4 inch figure.
        title: The chart's title.

    Returns:
        The matplotlib figure.
    """
    what = "plot_sentiment_over_time"
    _check_type(result, SentimentResult, what, "result")
    _check_title(title, what)
    trend = result.trend(period, tz=tz)
    figure, axes = _axes(ax, what)
    import matplotlib.dates as mdates

    rows = trend.rows()
    starts = [row[trend.unit] for row in rows]
    if starts:
        zone = starts[0].tzinfo
        x = mdates.date2num(starts)  # type: ignore[no-untyped-call]
        width = (float(np.min(np.diff(x))) if len(x) > 1 else 1.0) * 0.8
        bottom = np.zeros(len(starts))
        colours = (("positive", "#2ca02c"), ("neutral", "#bbbbbb"), ("negative", "#d62728"))
        for name, colour in colours:
            shares = [row[f"{name}_share"] for row in rows]
            heights = np.array([100 * v if v is not None else 0.0 for v in shares])
            axes.bar(x, heights, width, bottom=bottom, color=colour, label=name, align="edge")
            bottom += heights
        axes.set_ylim(0, 100)
        axes.set_ylabel("share of scored messages (%)")
        net = axes.twinx()
        values = [v if v is not None else np.nan for v in (r["net_sentiment"] for r in rows)]
        net.plot(x + width / 2, values, color="black", marker="o", label="net sentiment")
        net.set_ylim(-100, 100)
        net.set_ylabel("net sentiment")
        _time_axis(axes, zone)
        axes.legend(loc="upper left", fontsize=8)
    else:
        axes.text(0.5, 0.5, "no messages", ha="center", va="center", transform=axes.transAxes)
    axes.set_xlabel(f"{trend.unit} ({trend.tz})")
    axes.set_title(title if title is not None else f"Customer sentiment per {trend.unit}")
    return figure


def plot_topics_over_time(
    result: TopicResult,
    *,
    period: PeriodUnit = "week",
    tz: TimeZone | None = None,
    top: int = 5,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """The top topics over time: one line per topic, its count in each period.

    Args:
        result: The result of [`topics`][socialcare_metrics.topics] (per message or per
            conversation, at any level).
        period: ``"hour"``, ``"day"``, ``"week"`` or ``"month"``.
        tz: The time zone of the periods (default: the result's).
        top: How many topics: the most used over the whole result (an int >= 1).
        ax: A matplotlib axes to draw into; by default a new 8 x 4 inch figure.
        title: The chart's title.

    Returns:
        The matplotlib figure.
    """
    what = "plot_topics_over_time"
    _check_type(result, TopicResult, what, "result")
    _check_positive(top, what, "top")
    _check_title(title, what)
    trend = result.trend(period, tz=tz, top=top)
    figure, axes = _axes(ax, what)
    import matplotlib.dates as mdates

    key = trend.key or "topic"
    lines: dict[str, tuple[list[datetime], list[int]]] = {}
    for row in trend.rows():
        times, counts = lines.setdefault(str(row[key]), ([], []))
        times.append(row[trend.unit])
        counts.append(int(row["count"]))
    if lines:
        zone = next(iter(lines.values()))[0][0].tzinfo
        for name, (times, counts) in lines.items():
            x = mdates.date2num(times)  # type: ignore[no-untyped-call]
            axes.plot(x, counts, marker="o", label=name)
        _time_axis(axes, zone)
        axes.legend(fontsize=8)
        axes.set_ylim(bottom=0)
    else:
        axes.text(0.5, 0.5, "no topics", ha="center", va="center", transform=axes.transAxes)
    axes.set_xlabel(f"{trend.unit} ({trend.tz})")
    axes.set_ylabel(f"{'conversations' if result.per == 'conversation' else 'messages'}")
    axes.set_title(title if title is not None else f"Top {top} topics per {trend.unit}")
    axes.grid(True, axis="y", alpha=0.3)
    return figure
