"""One validation path for parameters: each check is written once and names the function.

Every public function checks its options through these, so the same mistake gets the same
message everywhere: ``first_reply_time(): 'bot_replies' must be a bool (got 'yes' that is a str)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from ..errors import InvalidParameterError
from .time import NS_RANGE_TEXT, datetime_to_ns, in_ns_range

R = TypeVar("R")

__all__ = ["check_bool", "check_count", "check_number", "check_records", "check_time"]


def check_bool(value: object, function: str, parameter: str) -> bool:
    """``value`` must be a bool (not merely truthy)."""
    if not isinstance(value, bool):
        raise InvalidParameterError(function, parameter, "a bool", value)
    return value


def check_count(value: object, function: str, parameter: str) -> int:
    """``value`` must be an int >= 0 (a bool is not a count)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidParameterError(function, parameter, "an int >= 0", value)
    return value


def check_number(value: object, function: str, parameter: str, *, low: float, high: float) -> float:
    """``value`` must be a finite real number in ``[low, high]``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise InvalidParameterError(function, parameter, f"a number in [{low:g}, {high:g}]", value)
    return float(value)


def check_time(value: object, function: str, parameter: str) -> int | None:
    """``value`` must be None or a timezone-aware datetime a time column can hold; as epoch ns."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidParameterError(function, parameter, "a timezone-aware datetime or None", value)
    if not in_ns_range(value):
        raise InvalidParameterError(
            function, parameter, f"a timezone-aware datetime {NS_RANGE_TEXT}, or None", value
        )
    return datetime_to_ns(value)


def check_records(
    data: object, record: type[R], function: str, parameter: str, expected: str
) -> list[R]:
    """``data`` as a list of ``record``: an iterable (not a string) whose every item is one.

    ``expected`` describes what the parameter accepts, for the error when ``data`` is no
    iterable at all; a wrong item is named by its index (``'data[1]' must be a Conversation``).
    """
    if isinstance(data, str | bytes) or not isinstance(data, Iterable):
        raise InvalidParameterError(function, parameter, expected, data)
    items = list(data)
    for i, item in enumerate(items):
        if not isinstance(item, record):
            raise InvalidParameterError(function, f"{parameter}[{i}]", f"a {record.__name__}", item)
    return items
