"""What every report is made of: titled sections of rows, the definitions used, and renderers.

A report is data first: each section is a table of plain values (numbers, strings, datetimes,
``None`` for undefined), with a display format per column. Text, HTML, JSON and DataFrames are
views of the same sections, so they always agree.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._core.extras import require
from .._version import __version__
from ..errors import InvalidParameterError
from ..results._render import PERIOD_LABELS, aligned_lines, format_cell
from ._svg import bar_chart, heatmap

if TYPE_CHECKING:
    import os

    import pandas

__all__ = ["Chart", "Report", "Section", "html_document"]

SCHEMA_VERSION: Final = 1
"""The version of the reports' JSON schema; it changes only when a field changes meaning or
goes away (new fields may be added without a new version)."""


@attrs.frozen
class Chart:
    """How a section is drawn in HTML: bars of one column, or a heatmap of the whole table."""

    kind: str  # "bars" or "heatmap"
    value: str = ""  # the column drawn as bars
    label: str = ""  # the column that names each bar


@attrs.frozen
class Section:
    """One table of a report: a name (its key in ``to_dict()``), a title, and columns."""

    name: str
    title: str
    columns: Mapping[str, Sequence[Any]]
    formats: Mapping[str, str] = attrs.field(factory=dict)
    note: str = ""
    chart: Chart | None = None
    total: bool = False  # the last row is the total of the others

    @property
    def n_rows(self) -> int:
        """How many rows the section has."""
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts of plain values (JSON-safe: datetimes as ISO 8601 strings)."""
        names = list(self.columns)
        return [
            {name: _json_value(self.columns[name][i]) for name in names} for i in range(self.n_rows)
        ]

    def text_lines(self) -> list[str]:
        """The section as an aligned text table, indented by two spaces."""
        lines = [self.title, "-" * len(self.title)]
        if self.note:
            lines.append(self.note)
        if not self.n_rows:
            return [*lines, "  (nothing to show)"]
        names = list(self.columns)
        cells = [
            [format_cell(self.columns[name][i], self.formats.get(name)) for name in names]
            for i in range(self.n_rows)
        ]
        right = [
            self.formats.get(name) not in ("key", *PERIOD_LABELS) and _numeric(self.columns[name])
            for name in names
        ]
        return lines + ["  " + line for line in aligned_lines([names, *cells], right)]

    def html(self) -> str:
        """The section as an HTML table (with its chart before it, when it has one)."""
        names = list(self.columns)
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        if self.note:
            parts.append(f"<p class='note'>{html.escape(self.note)}</p>")
        if self.chart is not None and self.n_rows:
            parts.append(self._chart_svg())
        if not self.n_rows:
            parts.append("<p class='note'>(nothing to show)</p>")
            return "\n".join(parts)
        head = "".join(f"<th>{html.escape(name)}</th>" for name in names)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td class='{_css_class(self.columns[name])}'>"
                f"{html.escape(format_cell(self.columns[name][i], self.formats.get(name)))}</td>"
                for name in names
            )
            + "</tr>"
            for i in range(self.n_rows)
        )
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        return "\n".join(parts)

    def _chart_svg(self) -> str:
        assert self.chart is not None
        if self.chart.kind == "heatmap":
            names = list(self.columns)
            labels = [str(v) for v in self.columns[names[0]]]
            matrix = [[self.columns[n][i] or 0 for n in names[1:]] for i in range(self.n_rows)]
            return heatmap(labels, names[1:], matrix)
        rows = self.n_rows - 1 if self.total else self.n_rows  # the total row dwarfs the bars
        label_kind = self.formats.get(self.chart.label, "key")
        labels = [format_cell(v, label_kind) for v in list(self.columns[self.chart.label])[:rows]]
        values = list(self.columns[self.chart.value])[:rows]
        kind = self.formats.get(self.chart.value)
        return bar_chart(
            labels,
            [float(v) if v is not None else None for v in values],
            [format_cell(v, kind) for v in values],
            title=self.chart.value,
        )


@attrs.frozen(eq=False)
class Report:
    """A report: sections of rows, the window it covers, and the definitions it used.

    Every view shows the same numbers: ``str()`` is plain text, `to_html()` a self-contained
    HTML document (inline styles and charts, nothing loaded from the network), `to_dict()` the
    stable JSON schema, and `to_pandas()` one section as a DataFrame.
    """

    kind: str
    title: str
    window: Mapping[str, Any]
    definitions: Mapping[str, str]
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section:
        """The section called ``name`` (its key in `to_dict()`)."""
        for section in self.sections:
            if section.name == name:
                return section
        names = ", ".join(repr(s.name) for s in self.sections)
        raise InvalidParameterError(f"{self.kind}.section", "name", f"one of {names}", name)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-safe plain values, in the documented schema.

        ``{"schema": "socialcare_metrics.<kind>", "version": 1, "library": version, "title",
        "window": {...}, "definitions": {...}, "sections": {name: [row, ...]}}``. Durations are
        seconds (floats), shares are fractions between 0 and 1, times are ISO 8601 strings, and
        an undefined value is ``None``.
        """
        return {
            "schema": f"socialcare_metrics.{self.kind}",
            "version": SCHEMA_VERSION,
            "library": __version__,
            "title": self.title,
            "window": {key: _json_value(value) for key, value in self.window.items()},
            "definitions": dict(self.definitions),
            "sections": {section.name: section.rows() for section in self.sections},
        }

    def table(self, section: str | None = None, *, totals: bool = False) -> dict[str, list[Any]]:
        """The report's main table, or one section, as plain columns.

        By default the sections with one row per key of the first section (for the team
        report: workload, first reply, reply wait and SLA per agent) are joined side by side,
        the later ones' columns prefixed with their section's name (``first_reply_median``).

        Args:
            section: The name of one section to give instead.
            totals: Keep the total row ``(all)`` that closes a section (left out by default, so
                that column sums and means are over the groups alone).
        """
        if section is not None:
            chosen = [self.section(section)]
        else:
            first = self.sections[0]
            key = next(iter(first.columns), None)
            chosen = [
                s
                for s in self.sections
                if s.n_rows == first.n_rows
                and next(iter(s.columns), None) == key
                and s.total == first.total
            ]
        out: dict[str, list[Any]] = {}
        for i, part in enumerate(chosen):
            rows = part.n_rows - 1 if part.total and not totals else part.n_rows
            for position, (name, values) in enumerate(part.columns.items()):
                if i and not position:
                    continue  # the shared key column, already there
                out[name if not i else f"{part.name}_{name}"] = list(values)[:rows]
        return out

    def to_pandas(self, section: str | None = None, *, totals: bool = False) -> pandas.DataFrame:
        """`table()` as a DataFrame: the main table by default, or one section.

        Durations are seconds and shares fractions, as in `to_dict()`; undefined values are
        ``<NA>``. Needs the ``pandas`` extra.
        """
        pd = require("pandas", f"{type(self).__name__}.to_pandas()")
        columns = self.table(section, totals=totals)
        return pd.DataFrame({name: _pandas_column(pd, v) for name, v in columns.items()})

    def __str__(self) -> str:
        lines = [self.title, "=" * len(self.title), *self._preamble()]
        for section in self.sections:
            lines += ["", *section.text_lines()]
        return "\n".join(lines) + "\n"

    def _preamble(self) -> list[str]:
        lines = []
        for key, value in self.window.items():
            if value is not None:  # an unset start or end, or no message at all
                lines.append(f"{key}: {format_cell(value)}")
        lines += [f"{key}: {text}" for key, text in self.definitions.items()]
        return lines

    def _repr_html_(self) -> str:
        return f"<div class='scm-report'>{self._body_html()}</div>"

    def _body_html(self) -> str:
        preamble = "".join(
            f"<tr><th>{html.escape(key)}</th><td>{html.escape(text)}</td></tr>"
            for key, text in (
                *((k, format_cell(v)) for k, v in self.window.items() if v is not None),
                *self.definitions.items(),
            )
        )
        sections = "\n".join(section.html() for section in self.sections)
        return (
            f"<h1>{html.escape(self.title)}</h1>\n"
            f"<table class='about'>{preamble}</table>\n{sections}"
        )

    def to_html(self, path: str | os.PathLike[str] | None = None) -> str:
        """The report as one self-contained HTML document; also written to ``path`` if given.

        Styles and charts (SVG) are inline: the file opens offline and can be mailed or
        attached to a ticket as it is.
        """
        document = html_document(self.title, [self._body_html()])
        if path is not None:
            Path(path).write_text(document, encoding="utf-8")
        return document

    def __repr__(self) -> str:
        shape = ", ".join(f"{s.name}: {s.n_rows} rows" for s in self.sections)
        return f"<{type(self).__name__} {self.title!r} ({shape})>"


def html_document(title: str, bodies: Sequence[str], source: str = "") -> str:
    """One self-contained HTML document holding the given report bodies, one after another;
    ``source``, when given, says what data they are about (above them)."""
    intro = f"<p class='note'>{html.escape(source)}</p>\n" if source else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + intro
        + "\n<hr>\n".join(bodies)
        + f"\n<footer>socialcare_metrics {html.escape(__version__)}</footer>\n</body>\n</html>\n"
    )


_STYLE: Final = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em}"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
    "th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "table.about th{font-weight:600;color:#555}.note{color:#555;font-size:.9em}"
    "svg{display:block;margin:.5em 0}footer{margin-top:3em;color:#888;font-size:.8em}"
)


def _numeric(values: Sequence[Any]) -> bool:
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _css_class(values: Sequence[Any]) -> str:
    return "num" if _numeric(values) else "text"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _pandas_column(pd: Any, values: list[Any]) -> Any:
    if values and any(isinstance(v, datetime) for v in values):
        return pd.to_datetime(values)
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.array(values, dtype="Int64")
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.array(values, dtype="Float64")
    return pd.Series(values, dtype=object)
