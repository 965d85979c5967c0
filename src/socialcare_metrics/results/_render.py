"""How results show numbers to people: durations in whole units, shares as percentages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from ..errors import InvalidParameterError

__all__ = ["aligned_lines", "format_cell", "format_duration"]


def format_duration(value: timedelta | float | None) -> str:
    """Format a duration for people, truncated to whole units as the source articles do.

    Under a minute it shows whole seconds; from a minute up it shows days, hours and minutes,
    leaving out zero parts, and truncates the rest: 7 minutes 30 seconds is ``"7 min"``, the
    articles' "average reply wait time is 7 minutes". ``None`` (an undefined metric) is
    ``"n/a"``.

    Args:
        value: A ``timedelta``, a number of seconds, or ``None``.

    Examples:
        >>> from datetime import timedelta
        >>> format_duration(timedelta(minutes=7, seconds=30))
        '7 min'
        >>> format_duration(45.9), format_duration(3600 * 26 + 61), format_duration(None)
        ('45 s', '1 d 2 h 1 min', 'n/a')
    """
    if value is None:
        return "n/a"
    if isinstance(value, timedelta):
        # Whole microseconds as an int: exact, where total_seconds() would round.
        micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
        sign, micros = ("-", -micros) if micros < 0 else ("", micros)
        whole_seconds = micros // 1_000_000
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise InvalidParameterError("format_duration", "value", "a finite duration", value)
        sign, magnitude = ("-", -value) if value < 0 else ("", value)
        whole_seconds = math.floor(magnitude)
    else:
        raise InvalidParameterError(
            "format_duration", "value", "a timedelta, a number of seconds or None", value
        )
    if whole_seconds < 60:
        return f"{sign}{whole_seconds} s"
    minutes = whole_seconds // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return sign + " ".join(parts)


#: How a period's start is written as its label, by the unit of the periods.
PERIOD_LABELS: Final = {
    "hour": "%Y-%m-%d %H:00",
    "day": "%Y-%m-%d",
    "week": "week of %Y-%m-%d",
    "month": "%Y-%m",
}


def format_cell(value: Any, kind: str | None = None) -> str:
    """One table cell: ``kind`` ``"duration"`` (seconds), ``"percent"`` (a share), ``"key"``
    (a group label, where ``None`` is the group of items without one), or a period unit
    (``"day"``...: a period's local start as its label), else plain. A time is written to the
    second, with its UTC offset."""
    if value is None:
        return "(none)" if kind in ("key", *PERIOD_LABELS) else "n/a"
    if kind in PERIOD_LABELS and isinstance(value, datetime):
        return value.strftime(PERIOD_LABELS[kind])
    if kind == "duration":
        return format_duration(float(value))
    if kind == "percent":
        return f"{value:.1%}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.4g}" if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def aligned_lines(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Rows of text cells as aligned columns two spaces apart (``right``: align right).

    The one text-table renderer: result tables, reports and the command line all use it.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(right))]
    return [
        "  ".join(
            cell.rjust(width) if align_right else cell.ljust(width)
            for cell, width, align_right in zip(row, widths, right, strict=True)
        ).rstrip()
        for row in rows
    ]
