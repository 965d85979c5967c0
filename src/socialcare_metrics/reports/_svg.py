"""Small inline SVG charts for the HTML reports: no plotting library, nothing loaded remotely."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

__all__ = ["bar_chart", "heatmap"]

_BAR: Final = "#3b7dd8"
_ROW: Final = 18
_LABEL_WIDTH: Final = 170
_BAR_WIDTH: Final = 360


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    texts: Sequence[str],
    *,
    title: str,
) -> str:
    """Horizontal bars, one per label, scaled to the largest value; ``None`` draws no bar."""
    present = [v for v in values if v is not None and v > 0]
    top = max(present) if present else 1.0
    height = _ROW * len(labels) + 24
    width = _LABEL_WIDTH + _BAR_WIDTH + 110
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{html.escape(title)}' font-size='11' "
        "font-family='system-ui,sans-serif'>",
        f"<text x='0' y='12' font-weight='600'>{html.escape(title)}</text>",
    ]
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = 20 + i * _ROW
        length = 0.0 if value is None or value <= 0 else _BAR_WIDTH * value / top
        parts.append(
            f"<text x='{_LABEL_WIDTH - 6}' y='{y + 12}' text-anchor='end'>"
            f"{html.escape(_shorten(label))}</text>"
        )
        parts.append(
            f"<rect x='{_LABEL_WIDTH}' y='{y + 2}' width='{length:.1f}' height='{_ROW - 5}' "
            f"fill='{_BAR}'><title>{html.escape(f'{label}: {text}')}</title></rect>"
        )
        parts.append(
            f"<text x='{_LABEL_WIDTH + length + 4:.1f}' y='{y + 12}'>{html.escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def heatmap(rows: Sequence[str], columns: Sequence[str], matrix: Sequence[Sequence[float]]) -> str:
    """A grid of cells shaded by value (darker is more), with row and column labels."""
    cell = 22
    left, top_margin = 40, 18
    peak = max((v for row in matrix for v in row), default=0) or 1
    width = left + cell * len(columns) + 4
    height = top_margin + cell * len(rows) + 4
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        "role='img' aria-label='heatmap' font-size='10' font-family='system-ui,sans-serif'>"
    ]
    for j, name in enumerate(columns):
        parts.append(
            f"<text x='{left + j * cell + cell / 2}' y='12' text-anchor='middle'>"
            f"{html.escape(name)}</text>"
        )
    for i, name in enumerate(rows):
        y = top_margin + i * cell
        parts.append(f"<text x='0' y='{y + 15}'>{html.escape(name)}</text>")
        for j, value in enumerate(matrix[i]):
            shade = value / peak
            parts.append(
                f"<rect x='{left + j * cell}' y='{y}' width='{cell - 1}' height='{cell - 1}' "
                f"fill='{_BAR}' fill-opacity='{0.04 + 0.96 * shade:.3f}'>"
                f"<title>{html.escape(f'{name} {columns[j]}: {value:g}')}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _shorten(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
