"""The library's exception types.

Every error the library raises on bad input derives from
[`SocialCareError`][socialcare_metrics.SocialCareError], so a caller can catch all of them at once.
The concrete types also derive from `ValueError`, which is what they are: a value the library was
given does not fit.
"""

from __future__ import annotations

from typing import Any


class SocialCareError(Exception):
    """Base class of every error raised by socialcare_metrics."""


class InvalidRecordError(SocialCareError, ValueError):
    """A record (Message, Conversation, SurveyResponse, Task) was built with a bad value.

    The message names the record, the field, what was expected and what was given.
    """

    def __init__(
        self, record: str, field: str, expected: str, got: Any, *, note: str | None = None
    ) -> None:
        self.record = record
        self.field = field
        self.expected = expected
        self.got = got
        text = f"{record}: {field!r} must be {expected} (got {_describe(got)})"
        if note:
            text += f": {note}"
        super().__init__(text)


class InvalidParameterError(SocialCareError, ValueError):
    """A function was called with an argument it cannot use."""

    def __init__(self, function: str, parameter: str, expected: str, got: Any) -> None:
        self.function = function
        self.parameter = parameter
        self.expected = expected
        self.got = got
        super().__init__(f"{function}(): {parameter!r} must be {expected} (got {_describe(got)})")


class InvalidDataError(SocialCareError, ValueError):
    """Tabular input (columns, files) holds a value the library cannot use.

    ``column`` names the column and ``row`` the 0-based row (or, for files, the line number) where
    the first problem was found, when there is one.
    """

    def __init__(
        self, source: str, column: str | None, row: int | None, expected: str, got: Any
    ) -> None:
        self.source = source
        self.column = column
        self.row = row
        self.expected = expected
        self.got = got
        where = source
        if column is not None:
            where += f", column {column!r}"
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: expected {expected} (got {_describe(got)})")


def _describe(value: Any) -> str:
    """Render a bad value the way attrs does: its repr and its type."""
    try:
        # A numpy scalar as its Python value: nan, 3, not np.float64(nan), np.int64(3).
        number = (
            type(value).__module__ == "numpy"
            and getattr(value, "ndim", None) == 0
            and getattr(getattr(value, "dtype", None), "kind", "x") in "biufc"
        )
        text = repr(value.item() if number else value)
    except Exception:  # an int of more digits than Python will write out, a broken __repr__
        text = f"<{type(value).__name__} that cannot be shown>"
    if "\n" in text:
        # A table, frame or long array: its type and shape say more than a cut-off print.
        shape = getattr(value, "shape", None)
        size = f" of shape {tuple(shape)}" if isinstance(shape, tuple) else ""
        return f"a {type(value).__name__}{size}"
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} that is a {type(value).__name__}"


class StateMismatchError(SocialCareError, ValueError):
    """Two mergeable states cannot be merged, or a state cannot be read back.

    States made with different options or groups (another calendar, SLA policy, ``as_of``,
    window, ``by``) describe different numbers, so merging them is refused; ``differences``
    lists each option that differs, with both values. Reading back a state of another format
    version, of another metric, or without the calendar (or policy) it was made with is refused
    the same way.
    """

    def __init__(self, function: str, problem: str, differences: tuple[str, ...] = ()) -> None:
        self.function = function
        self.problem = problem
        self.differences = differences
        super().__init__(f"{function}(): {problem}")
