"""The one base of every result that holds items, and what a split into groups gives.

A result declares its per-item fields once, with ``metadata=ITEM``: arrays with one value per
item (a wait, a message, a conversation, a response, a task), a `GroupKeys` or `Labels`. From that
declaration alone the base gives it subsetting, `by()` over one key or several, pickling that
keeps only the labels the items use, and the conversions: `to_pandas()`, `to_arrow()`,
`_repr_html_()` and a text table. Each result type says what its summary is, for all groups at
once (`_summary`), and the whole result is that summary over one group.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, Self, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from .._core.extras import require
from .._core.periods import TimeZone, resolve_timezone
from .._core.typing import Int64Array
from ..errors import InvalidParameterError
from ._grouping import GroupKeys, group_indices
from ._render import aligned_lines, format_cell

if TYPE_CHECKING:
    import pandas
    import pyarrow

__all__ = ["ITEM", "Groups", "Labels", "Result"]

_ITEM: Final = "socialcare_metrics.item"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

#: A group's label: an agent or channel name, a period start, ``None``, or a tuple of these.
GroupLabel: TypeAlias = "str | datetime | tuple[str | datetime | None, ...] | None"
#: A summary: column name -> one value per group (float columns hold NaN where undefined; every
#: output turns that into ``None`` or a missing value).
Summary: TypeAlias = dict[str, npt.NDArray[Any]]

R = TypeVar("R", bound="Result")


#: The metadata that declares an attrs field per-item (one value per item, subset with them):
#: ``_ns: Int64Array = attrs.field(metadata=ITEM)``.
ITEM: Final[Mapping[str, bool]] = {_ITEM: True}


@attrs.frozen(eq=False)
class Labels:
    """Per-item codes into a shared array of names (e.g. conversation ids).

    Subsets share the names; a pickled copy keeps only the names its items use, so one agent's
    result does not carry every conversation id of the table.
    """

    codes: Int64Array
    names: npt.NDArray[Any]

    def subset(self, index: npt.NDArray[np.intp]) -> Labels:
        return Labels(codes=self.codes[index], names=self.names)

    def label(self, i: int) -> str:
        return str(self.names[self.codes[i]])

    def __reduce__(self) -> tuple[type[Labels], tuple[Int64Array, npt.NDArray[Any]]]:
        used, inverse = np.unique(self.codes, return_inverse=True)
        return (Labels, (inverse.astype(np.int64).reshape(-1), self.names[used]))


_ITEM_FIELDS: dict[type, tuple[attrs.Attribute[Any], ...]] = {}


def _item_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    fields = _ITEM_FIELDS.get(cls)
    if fields is None:
        fields = tuple(a for a in attrs.fields(cls) if a.metadata.get(_ITEM))
        _ITEM_FIELDS[cls] = fields
    return fields


class Result:
    """Base of the results that hold items: grouping, subsetting and every output format.

    A subclass is an attrs class that declares its per-item fields with ``metadata=ITEM`` (one
    a `GroupKeys` named ``_keys``), and implements:

    - ``_summary(codes, n_groups)``: its summary columns for every group at once;
    - ``count`` and ``value`` (the headline number), ``to_dict()`` and ``__str__``.
    """

    __slots__ = ()

    #: The ``by()`` keys this result accepts, and the internal key each one means.
    _group_keys_accepted: ClassVar[Mapping[str, str]] = {
        "agent": "agent",
        "channel": "channel",
        "hour": "hour",
        "day": "day",
        "week": "week",
        "month": "month",
    }

    #: How text and HTML tables show a summary column: "duration" (seconds) or "percent".
    _column_formats: ClassVar[Mapping[str, str]] = {}

    # --- what a subclass provides ------------------------------------------------------------

    def _keys_of(self) -> GroupKeys:
        keys: GroupKeys = getattr(self, "_keys")  # noqa: B009 - declared by every subclass
        return keys

    def _summary(self, codes: Int64Array, n_groups: int) -> Summary:  # pragma: no cover
        raise NotImplementedError

    def _item_count(self) -> int:
        return int(self._keys_of().time.shape[0])

    def __attrs_post_init__(self) -> None:
        # Every per-item field holds one value per item: a result type whose fields disagree
        # is a programming error, caught here rather than as a wrong group later.
        sizes = {field.name: _size(getattr(self, field.name)) for field in _item_fields(type(self))}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"{type(self).__name__}: per-item fields differ in length: {sizes}")

    # --- subsetting and grouping ---------------------------------------------------------------

    def _subset(self, index: npt.NDArray[np.intp]) -> Self:
        changes: dict[str, Any] = {}
        for field in _item_fields(type(self)):
            value = getattr(self, field.name)
            changes[field.alias or field.name] = (
                value[index] if isinstance(value, np.ndarray) else value.subset(index)
            )
        evolve: Any = attrs.evolve
        subset: Self = evolve(self, **changes)
        return subset

    def _whole_summary(self) -> Summary:
        """The summary over one group: every item."""
        return self._summary(np.zeros(self._item_count(), dtype=np.int64), 1)

    def summary_row(self) -> dict[str, Any]:
        """The result's summary as plain Python values, ``None`` where undefined.

        These are the columns a group's row holds in `Groups.to_pandas()`.
        """
        columns = self._whole_summary()
        return {name: _plain(values)[0] for name, values in columns.items()}

    def by(self, *keys: str, tz: TimeZone | None = None) -> Groups[Self]:
        """Split the result into one result per group, for one key or several.

        Args:
            *keys: ``"agent"`` or ``"channel"`` (named groups sorted by name, then ``None``
                for items without one), or a local period: ``"hour"``, ``"day"``, ``"week"``
                (ISO, from Monday) or ``"month"``. One key keeps every period from the first
                item's to the last item's, empty ones included; several keys (``by("agent",
                "day")``) give the combinations that have items, keyed by tuples, in the
                order of the first key, then the second.
            tz: The time zone of the periods (an IANA name, a ``ZoneInfo`` or a fixed
                ``timezone``). By default the time zone of the business calendar the result
                was measured with, if any, else UTC.

        Returns:
            A read-only mapping from group to that group's result, which also converts all
            groups at once: `Groups.to_pandas()`, `Groups.to_dict()`.
        """
        function = f"{type(self).__name__}.by"
        if not keys:
            raise InvalidParameterError(
                function, "keys", "at least one of " + _accepted(self), keys
            )
        internal: list[str] = []
        for key in keys:
            given: object = key  # callers without a type checker pass anything
            name = self._group_keys_accepted.get(key) if isinstance(given, str) else None
            if name is None:
                hint = (
                    " (several keys go as separate arguments: by('agent', 'day'))"
                    if isinstance(given, list | tuple)
                    else ""
                )
                raise InvalidParameterError(
                    function, "key", "one of " + _accepted(self) + hint, key
                )
            internal.append(name)
        if len(set(internal)) != len(internal):
            raise InvalidParameterError(function, "keys", "different keys", keys)
        if sum(k not in ("agent", "channel") for k in internal) > 1:
            raise InvalidParameterError(
                function, "keys", "at most one period ('hour', 'day', 'week' or 'month')", keys
            )
        group_keys = self._keys_of()
        periods = [k for k in internal if k not in ("agent", "channel")]
        if tz is not None and not periods:
            raise InvalidParameterError(
                function, "tz", "None when grouping by agent or channel only", tz
            )
        # With several keys only the combinations that have items are kept: the periods that
        # have none are not needed, and not built (one item centuries from the rest would
        # otherwise cost every period between them).
        parts = [
            group_keys.codes(
                k, tz if k in periods else None, function, present_only=len(internal) > 1
            )
            for k in internal
        ]
        zone = (
            resolve_timezone(tz if tz is not None else group_keys.default_tz, function)
            if periods
            else None
        )
        if len(parts) == 1:
            labels: list[Any] = parts[0][0]
            return Groups(self, tuple(keys), labels, parts[0][1], zone)
        combined = np.zeros(self._item_count(), dtype=np.int64)
        for part_labels, part_codes in parts:
            combined = combined * max(len(part_labels), 1) + part_codes
        present, codes = np.unique(combined, return_inverse=True)
        tuples: list[Any] = []
        for value in present.tolist():
            label: list[Any] = []
            for part_labels, _ in reversed(parts):
                value, position = divmod(value, max(len(part_labels), 1))
                label.append(part_labels[position])
            tuples.append(tuple(reversed(label)))
        return Groups(self, tuple(keys), tuples, codes.astype(np.int64).reshape(-1), zone)

    # --- output --------------------------------------------------------------------------------

    def to_pandas(self) -> pandas.DataFrame:
        """The summary as a one-row pandas DataFrame (needs the ``pandas`` extra).

        Undefined values are missing (``<NA>``), never NaN.
        """
        pd = require("pandas", f"{type(self).__name__}.to_pandas()")
        columns = self._whole_summary()
        return pd.DataFrame({name: _pandas_column(pd, v) for name, v in columns.items()})

    def to_arrow(self) -> pyarrow.Table:
        """The summary as a one-row pyarrow Table (needs the ``pyarrow`` extra)."""
        pa = require("pyarrow", f"{type(self).__name__}.to_arrow()")
        columns = self._whole_summary()
        return pa.table({name: _arrow_column(pa, v) for name, v in columns.items()})

    def describe(self) -> str:
        """The whole summary as text, one statistic a line, for people.

        ``str(result)`` is the headline alone (a reply wait time prints ``"7 min"``); this shows
        every statistic of the summary, durations in whole units and shares in percent.
        """
        formats = self._column_formats
        rows = [
            [name, format_cell(value, formats.get(name))]
            for name, value in self.summary_row().items()
        ]
        return "\n".join([_title(self), *aligned_lines(rows, (False, True))])

    def _repr_html_(self) -> str:
        formats = self._column_formats
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th>"
            f"<td>{html.escape(format_cell(value, formats.get(name)))}</td></tr>"
            for name, value in self.summary_row().items()
        )
        caption = html.escape(_title(self))
        return f"<table><caption>{caption}</caption>{rows}</table>"


def _size(value: Any) -> int:
    if isinstance(value, GroupKeys):
        return int(value.time.shape[0])
    if isinstance(value, Labels):
        return int(value.codes.shape[0])
    return len(value)


def _title(result: Result) -> str:
    """What a result is about, for captions: its name, or its ``to_dict()`` name."""
    name = getattr(result, "name", None)
    if not isinstance(name, str):
        to_dict = getattr(result, "to_dict", None)
        name = to_dict().get("name") if callable(to_dict) else None
    return name if isinstance(name, str) else type(result).__name__


def _accepted(result: Result) -> str:
    names = [repr(k) for k in result._group_keys_accepted]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _json_label(label: Any) -> Any:
    if isinstance(label, datetime):
        return label.isoformat()
    return label


class Groups(Mapping[Any, R], Generic[R]):
    """A result split into groups: a read-only mapping from group label to that group's result.

    Groups are listed in order (see `Result.by`). Each group's result is built when it is looked
    up; the conversions summarise every group at once, in one vectorised pass, so a split into a
    hundred thousand groups converts in a fraction of a second:

    - `to_pandas()` / `to_arrow()`: one row per group, the key columns first;
    - `to_dict()`: ``{"by": [...], "groups": [{key: label, ..., summary...}, ...]}``, JSON-safe;
    - ``str()`` and `_repr_html_()`: the same rows as a table.
    """

    __slots__ = ("_codes", "_index", "_keys", "_labels", "_position", "_result", "_zone")

    def __init__(
        self,
        result: R,
        keys: tuple[str, ...],
        labels: list[Any],
        codes: Int64Array,
        zone: tzinfo | None = None,
    ) -> None:
        self._result = result
        self._zone = zone
        self._keys = keys
        self._labels = labels
        self._codes = codes
        self._index: list[npt.NDArray[np.intp]] | None = None
        self._position: dict[Any, int] | None = None

    @property
    def keys_used(self) -> tuple[str, ...]:
        """The keys the result was split by, e.g. ``("agent", "day")``."""
        return self._keys

    def __len__(self) -> int:
        return len(self._labels)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._labels)

    def __contains__(self, label: object) -> bool:
        try:
            return label in self._positions()
        except TypeError:
            return False

    def _positions(self) -> dict[Any, int]:
        if self._position is None:
            self._position = {label: i for i, label in enumerate(self._labels)}
        return self._position

    def __getitem__(self, label: Any) -> R:
        try:
            position = self._positions()[label]
        except (KeyError, TypeError):
            raise KeyError(label) from None
        if self._index is None:
            self._index = group_indices(self._codes, len(self._labels))
        return self._result._subset(self._index[position])

    # --- every group at once -----------------------------------------------------------------

    def _columns(self) -> tuple[dict[str, list[Any]], Summary]:
        keys: dict[str, list[Any]] = {}
        if len(self._keys) == 1:
            keys[self._keys[0]] = list(self._labels)
        else:
            for i, key in enumerate(self._keys):
                keys[key] = [label[i] for label in self._labels]
        summary = self._result._summary(self._codes, len(self._labels))
        return keys, {
            name if name not in keys else f"{name}_value": v for name, v in summary.items()
        }

    def summary(self) -> dict[str, list[Any]]:
        """Key columns, then the result's summary columns: one plain value per group.

        Undefined values (a mean over no item, a rate over nothing) are ``None``.
        """
        keys, summary = self._columns()
        return {**keys, **{name: _plain(values) for name, values in summary.items()}}

    def to_dict(self) -> dict[str, Any]:
        """Every group's summary as plain values: ``{"by": keys, "groups": [row, ...]}``."""
        columns = self.summary()
        names = list(columns)
        rows = [
            {
                name: _json_label(columns[name][i]) if name in self._keys else columns[name][i]
                for name in names
            }
            for i in range(len(self._labels))
        ]
        return {"by": list(self._keys), "groups": rows}

    def to_pandas(self) -> pandas.DataFrame:
        """One row per group: the key columns, then the summary (needs the ``pandas`` extra).

        Period keys are timezone-aware datetime columns.
        """
        pd = require("pandas", f"{type(self).__name__}.to_pandas()")
        keys, summary = self._columns()
        frame = {name: _pandas_keys(pd, values, self._zone) for name, values in keys.items()}
        frame.update({name: _pandas_column(pd, v) for name, v in summary.items()})
        return pd.DataFrame(frame)

    def to_arrow(self) -> pyarrow.Table:
        """One row per group, as a pyarrow Table (needs the ``pyarrow`` extra)."""
        pa = require("pyarrow", f"{type(self).__name__}.to_arrow()")
        keys, summary = self._columns()
        columns = {name: _arrow_keys(pa, values, self._zone) for name, values in keys.items()}
        columns.update({name: _arrow_column(pa, v) for name, v in summary.items()})
        return pa.table(columns)

    def __str__(self) -> str:
        return _text_table(self.summary(), self._formats())

    def _formats(self) -> dict[str, str]:
        return {**dict.fromkeys(self._keys, "key"), **self._result._column_formats}

    def __repr__(self) -> str:
        return (
            f"<Groups of {type(self._result).__name__} by {', '.join(self._keys)}: "
            f"{len(self)} groups>"
        )

    def _repr_html_(self) -> str:
        columns = self.summary()
        formats = self._formats()
        head = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(format_cell(values[i], formats.get(name)))}</td>"
                for name, values in columns.items()
            )
            + "</tr>"
            for i in range(len(self._labels))
        )
        caption = html.escape(
            f"{_title(self._result)} by {', '.join(self._keys)}: {len(self):,} groups"
        )
        return f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>"


def _plain(values: npt.NDArray[Any]) -> list[Any]:
    """An array as Python values, NaN (undefined) as ``None``."""
    out: list[Any] = values.tolist()
    if values.dtype.kind == "f":
        return [None if v != v else v for v in out]
    return out


def _is_period_column(values: list[Any]) -> bool:
    timed = [v for v in values if v is not None]
    return bool(timed) and all(isinstance(v, datetime) for v in timed)


def _pandas_keys(pd: Any, values: list[Any], zone: tzinfo | None) -> Any:
    """Period starts as one timezone-aware column in the periods' zone; names as objects.

    Names stay Python objects, so the group without one is ``None`` (pandas' string dtype
    would turn it into NaN, which is no key of the split).
    """
    if _is_period_column(values):
        column = pd.to_datetime([pd.NaT if v is None else v for v in values], utc=True)
        return column.tz_convert(zone) if zone is not None else column
    return pd.Series(values, dtype=object)


def _arrow_keys(pa: Any, values: list[Any], zone: tzinfo | None) -> Any:
    """Period starts as a timestamp column in the periods' zone (not a fixed offset)."""
    if not _is_period_column(values):
        return values
    micros = [None if v is None else (v - _EPOCH) // _MICROSECOND for v in values]
    return pa.array(micros, type=pa.timestamp("us", tz=_zone_name(zone)))


def _zone_name(zone: tzinfo | None) -> str:
    """The zone as Arrow names it: an IANA key, or a fixed offset such as ``+05:30``."""
    if zone is None:
        return "UTC"
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    offset = zone.utcoffset(None)
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _pandas_column(pd: Any, values: npt.NDArray[Any]) -> Any:
    """A summary column; a float column is nullable (``<NA>`` where undefined, never NaN)."""
    if values.dtype.kind == "f":
        return pd.arrays.FloatingArray(values, np.isnan(values))
    return values


def _arrow_column(pa: Any, values: npt.NDArray[Any]) -> Any:
    """A summary column; a float column has nulls where undefined."""
    if values.dtype.kind == "f":
        return pa.array(values, mask=np.isnan(values))
    return values


def _text_table(columns: Mapping[str, Sequence[Any]], formats: Mapping[str, str]) -> str:
    """Columns as an aligned text table: text left, numbers right."""
    names = list(columns)
    cells = [[format_cell(v, formats.get(name)) for v in columns[name]] for name in names]
    right = [
        all(isinstance(v, int | float) or v is None for v in columns[name])
        and formats.get(name) != "key"
        for name in names
    ]
    rows = [names, *(list(row) for row in zip(*cells, strict=True))]
    return "\n".join(aligned_lines(rows, right))
