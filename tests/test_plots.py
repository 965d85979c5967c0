"""Charts: each function draws what its result holds, into a PNG that is not blank."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the charts need the optional matplotlib extra")

import matplotlib.dates as mdates
import matplotlib.image
from matplotlib.figure import Figure

from socialcare_metrics import (
    InvalidParameterError,
    MessageTable,
    SlaPolicy,
    customer_sentiment,
    first_reply_time,
    hour_of_week,
    inbound_volume,
    sla_compliance,
    topics,
)
from socialcare_metrics._sample import sample_conversations
from socialcare_metrics.plots import (
    plot_first_reply_distribution,
    plot_hour_of_week,
    plot_inbound_volume,
    plot_sentiment_over_time,
    plot_sla_by_agent,
    plot_topics_over_time,
)


@pytest.fixture(scope="module")
def table() -> MessageTable:
    return MessageTable.from_conversations(sample_conversations(seed=3, n_conversations=400))


def saved(figure: Figure, tmp_path: Path, name: str) -> np.ndarray[Any, Any]:
    """Save ``figure`` as a PNG, check it is a real picture, and return its pixels."""
    path = tmp_path / f"{name}.png"
    figure.savefig(path, format="png", dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(path)
    rgb = pixels[..., :3].reshape(-1, 3)
    # Not blank: many colours, and a good part of the picture is not the white background.
    assert len(np.unique(rgb, axis=0)) > 20
    assert (rgb < 0.95).any(axis=1).mean() > 0.02
    return pixels


def test_inbound_volume_draws_every_period_in_the_series_time_zone(
    table: MessageTable, tmp_path: Path
) -> None:
    series = inbound_volume(table, period="day", tz="America/New_York")
    figure = plot_inbound_volume(series)
    saved(figure, tmp_path, "inbound")
    axes = figure.axes[0]
    line = axes.lines[0]
    assert list(line.get_ydata())[:-1] == series.counts.tolist()
    x = np.asarray(line.get_xdata(), dtype=float)
    assert x[0] == pytest.approx(mdates.date2num(series.periods[0]))
    # Each period starts at local midnight on the axis: the tick formatter uses the zone.
    local = mdates.num2date(x[1], tz=series.periods[0].tzinfo)
    assert (local.hour, local.minute) == (0, 0)
    assert "America/New_York" in axes.get_xlabel()


def test_hour_of_week_shows_the_matrix(table: MessageTable, tmp_path: Path) -> None:
    result = hour_of_week(table, tz="Europe/Zagreb")
    figure = plot_hour_of_week(result, title="When customers write")
    saved(figure, tmp_path, "heatmap")
    image = figure.axes[0].images[0]
    assert np.array_equal(np.asarray(image.get_array()), result.matrix)
    assert figure.axes[0].get_title() == "When customers write"
    assert next(t.get_text() for t in figure.axes[0].get_yticklabels()) == "Mon"


def test_first_reply_distribution_counts_every_closed_wait(
    table: MessageTable, tmp_path: Path
) -> None:
    result = first_reply_time(table)
    for log in (True, False):
        figure = plot_first_reply_distribution(result, bins=12, log=log)
        saved(figure, tmp_path, f"first-{log}")
        axes = figure.axes[0]
        heights = [patch.get_height() for patch in axes.patches]
        assert len(heights) == 12
        assert sum(heights) == result.count
        median_line = axes.lines[0]
        assert result.median is not None
        unit = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}[
            axes.get_xlabel().split("(")[1].rstrip(")")
        ]
        assert median_line.get_xdata()[0] == pytest.approx(result.median.total_seconds() / unit)


def test_sla_by_agent_draws_each_agent_s_compliance_lowest_first(
    table: MessageTable, tmp_path: Path
) -> None:
    report = sla_compliance(table, SlaPolicy(first_reply=timedelta(hours=1)))
    figure = plot_sla_by_agent(report)
    saved(figure, tmp_path, "sla")
    axes = figure.axes[0]
    names = [t.get_text() for t in axes.get_yticklabels()]
    widths = [patch.get_width() for patch in axes.patches]
    groups = report.by("agent")
    expected = {
        ("(none)" if name is None else name): 100 * (part.compliance or 0.0)
        for name, part in groups.items()
    }
    assert dict(zip(names, widths, strict=True)) == pytest.approx(expected)
    # The bar drawn at the top (the last one) has the lowest compliance.
    assert widths[-1] == min(widths)
    top = plot_sla_by_agent(report.first_reply, top=2)  # type: ignore[arg-type]
    assert len(top.axes[0].patches) == 2


def test_an_axes_of_the_user_s_figure_is_drawn_into(table: MessageTable) -> None:
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert plot_hour_of_week(hour_of_week(table), ax=right) is figure
    assert right.images
    assert not left.images


def test_empty_results_draw_an_empty_chart_not_an_error(tmp_path: Path) -> None:
    empty = MessageTable.from_conversations([])
    for figure in (
        plot_inbound_volume(inbound_volume(empty)),
        plot_first_reply_distribution(first_reply_time(empty)),
        plot_sla_by_agent(sla_compliance(empty, SlaPolicy(first_reply=timedelta(hours=1)))),
    ):
        assert isinstance(figure, Figure)
        figure.savefig(tmp_path / "empty.png")


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda t: plot_inbound_volume(first_reply_time(t)), "series"),  # type: ignore[arg-type]
        (lambda t: plot_hour_of_week(hour_of_week(t), ax="left"), "ax"),  # type: ignore[arg-type]
        (lambda t: plot_first_reply_distribution(first_reply_time(t), bins=0), "bins"),
        (lambda t: plot_first_reply_distribution(first_reply_time(t), log=1), "log"),  # type: ignore[arg-type]
        (lambda t: plot_inbound_volume(inbound_volume(t), title=3), "title"),  # type: ignore[arg-type]
        (
            lambda t: plot_sla_by_agent(
                sla_compliance(t, SlaPolicy(first_reply=timedelta(hours=1))), top=True
            ),
            "top",
        ),
    ],
)
def test_bad_arguments_are_named(table: MessageTable, call: Any, parameter: str) -> None:
    with pytest.raises(InvalidParameterError, match=f"'{parameter}'"):
        call(table)


def test_without_matplotlib_the_error_names_the_extra(
    table: MessageTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"socialcare-metrics\[matplotlib\]"):
        plot_hour_of_week(hour_of_week(table))


def test_sentiment_over_time_stacks_the_shares_and_draws_net_sentiment(
    table: MessageTable, tmp_path: Path
) -> None:
    result = customer_sentiment(table)
    figure = plot_sentiment_over_time(result, period="week", tz="Europe/Berlin")
    saved(figure, tmp_path, "sentiment")
    rows = result.trend("week", tz="Europe/Berlin").rows()
    bars = figure.axes[0].patches
    assert len(bars) == 3 * len(rows)  # positive, neutral, negative per period
    positive = [bar.get_height() for bar in bars[: len(rows)]]
    assert positive == pytest.approx([100 * (r["positive_share"] or 0.0) for r in rows])
    stacked = [
        sum(bars[k * len(rows) + i].get_height() for k in range(3)) for i in range(len(rows))
    ]
    assert stacked == pytest.approx([100.0 if r["count"] else 0.0 for r in rows])
    net = figure.axes[1].lines[0].get_ydata()
    assert [None if np.isnan(v) else v for v in net] == pytest.approx(
        [r["net_sentiment"] for r in rows]
    )


def test_topics_over_time_draws_one_line_per_top_topic(table: MessageTable, tmp_path: Path) -> None:
    result = topics(table)
    figure = plot_topics_over_time(result, period="week", top=3)
    saved(figure, tmp_path, "topics")
    lines = {line.get_label(): list(line.get_ydata()) for line in figure.axes[0].lines}
    assert set(lines) == {entry.name for entry in result.top(3)}
    for row in result.trend("week", top=3).rows():
        assert row["count"] in lines[row["topic"]]
    totals = {name: sum(counts) for name, counts in lines.items()}
    assert totals == {entry.name: entry.count for entry in result.top(3)}
