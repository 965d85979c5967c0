"""Mergeable states: a metric over a slice of the data, that merges with another slice's.

A state is immutable. ``empty(**options)`` fixes the metric's options (those of its function)
and which groups to keep (``by=``); ``update(data)`` adds a slice of conversations (or survey
responses); ``merge(other)`` adds another state's slice; ``result()`` gives the summary.

Each state keeps one *cell* per group it was asked to keep, by name: agents and channels by their
names (a table's codes are local to it), periods by their start instant. A cell holds counts per
category, or for durations: counts, exact sums, minimum, maximum, a percentile sketch and the
slowest few items. So a state's size grows with its groups, never with the data.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, ClassVar, Final, Self, TypeAlias
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from .._core.periods import PERIOD_UNITS, bucket_present, resolve_timezone
from .._core.time import NAT, datetime_to_ns, ns_to_datetime
from .._core.typing import Int64Array
from ..errors import InvalidParameterError, StateMismatchError
from ..results._grouping import GroupKeys

__all__ = ["FORMAT_VERSION", "CellKey", "MetricState"]

#: The version of the ``to_dict()`` layout; ``from_dict()`` refuses any other.
FORMAT_VERSION: Final = 1

#: A cell's key: agent name, channel name, period start (epoch ns); ``None`` where not kept or
#: where the item has none.
CellKey: TypeAlias = tuple[str | None, str | None, int | None]

_NAME_KEYS: Final = ("agent", "channel")


def _sort_key(key: CellKey) -> tuple[tuple[bool, Any], ...]:
    return tuple((part is None, part if part is not None else 0) for part in key)


def cell_index(
    keys: GroupKeys, kept: tuple[str, ...], tz: tzinfo
) -> tuple[Int64Array, list[CellKey]]:
    """Each item's cell (0, 1, ...) and each cell's key, from the items' group keys."""
    n = int(keys.time.shape[0])
    combined = np.zeros(n, dtype=np.int64)
    parts: list[tuple[str, Any, int]] = []
    for key in kept:
        if key in _NAME_KEYS:
            codes = (keys.agent if key == "agent" else keys.channel).astype(np.int64) + 1
            names = keys.agent_names if key == "agent" else keys.channel_names
            labels: Any = [None, *names]
        else:
            timed = keys.time != NAT
            index = bucket_present(keys.time[timed], key, tz)  # type: ignore[arg-type]
            codes = np.zeros(n, dtype=np.int64)
            codes[timed] = index.codes + 1
            labels = [None, *index.starts.tolist()]
        combined = combined * len(labels) + codes
        parts.append((key, labels, len(labels)))
    present, inverse = np.unique(combined, return_inverse=True)
    cells: list[CellKey] = []
    for value in present.tolist():
        found: dict[str, Any] = {}
        for key, labels, size in reversed(parts):
            value, position = divmod(value, size)
            found[key] = labels[position]
        period = next((found[k] for k in found if k not in _NAME_KEYS), None)
        cells.append((found.get("agent"), found.get("channel"), period))
    return inverse.astype(np.int64).reshape(-1), cells


def _tz_name(tz: object, function: str) -> str | None:
    if tz is None:
        return None
    if isinstance(tz, str):
        resolve_timezone(tz, function)
        return tz
    if isinstance(tz, ZoneInfo):
        return tz.key
    raise InvalidParameterError(function, "tz", "an IANA time zone name or a ZoneInfo", tz)


def _check_by(by: object, allowed: tuple[str, ...], function: str) -> tuple[str, ...]:
    periods = [k for k in allowed if k in PERIOD_UNITS]
    expected = (
        f"a tuple of distinct keys from {', '.join(map(repr, allowed))}"
        + (f" (at most one period: {', '.join(map(repr, periods))})" if periods else "")
        if allowed
        else "() (this state keeps no groups: its result is split as the metric splits it)"
    )
    if isinstance(by, str):
        by = (by,)
    if not isinstance(by, tuple | list) or not all(isinstance(k, str) for k in by):
        raise InvalidParameterError(function, "by", expected, by)
    keys = tuple(by)
    if (
        len(set(keys)) != len(keys)
        or any(k not in allowed for k in keys)
        or sum(k in PERIOD_UNITS for k in keys) > 1
    ):
        raise InvalidParameterError(function, "by", expected, by)
    return keys


def _instant(value: datetime | None) -> int | None:
    return None if value is None else datetime_to_ns(value)


@attrs.frozen(eq=False, repr=False)
class MetricState:
    """The base of every state: options, groups kept, cells, and the merge laws.

    Subclasses name their metric (``_metric``) and say how the function's items become cells
    (``_cells_of``), how two cells merge (``_merge_cells``) and how cells become a summary
    (``_result_of``). States compare equal when their options, groups and cells are equal.

    Attributes:
        options: Every option of the metric function (defaults filled in), and the state's own
            (``slowest`` for durations), read-only.
        by: The groups kept, e.g. ``("agent", "day")``.
        tz: The time zone of the periods kept, as given (``None``: the calendar's, else UTC).
        cells: The cells, by key (agent name, channel name, period start in epoch ns; ``None``
            for a key not kept or an item without one), read-only.
        seen_as_of: The latest message seen (epoch ns), when ``as_of`` was not given: the
            merged default ``as_of``.
        fingerprint: For message metrics, the XOR of a 64-bit hash of each conversation held
            (its id and first message's time); 0 for none. States of the same conversations
            refuse to merge.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> from socialcare_metrics import Conversation, Message
        >>> from socialcare_metrics.states import ReplyWaitTimeState
        >>> t0 = datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc)
        >>> def thread(cid, agent, minutes): return Conversation(cid, [
        ...     Message("q", t0, "customer"),
        ...     Message("a", t0 + timedelta(minutes=minutes), "agent", agent_id=agent)])
        >>> empty = ReplyWaitTimeState.empty(by="agent")
        >>> left = empty.update([thread("c1", "ana", 5)])
        >>> right = empty.update([thread("c2", "bo", 10), thread("c3", "ana", 7)])
        >>> merged = left.merge(right)
        >>> merged == right.merge(left), merged.merge(empty) == merged, merged.exact
        (True, True, False)
        >>> sorted(key[0] for key in merged.cells)
        ['ana', 'bo']
        >>> print(merged.result().by("agent"))
        agent  count  pending    mean  median     p90     min     max
        ana        2        0   6 min   6 min   6 min   5 min   7 min
        bo         1        0  10 min  10 min  10 min  10 min  10 min
    """

    #: The metric's name in the registry.
    _metric: ClassVar[str]
    #: The keys ``by=`` accepts.
    _allowed_by: ClassVar[tuple[str, ...]] = ("agent", "channel", *PERIOD_UNITS)
    #: Whether the metric's numbers depend on ``as_of`` (then ``as_of`` or ``end`` is required).
    _needs_as_of: ClassVar[bool] = False
    #: The options that are objects, not JSON values (passed again to ``from_dict``).
    _object_options: ClassVar[tuple[str, ...]] = ("calendar",)
    #: Options of the state itself (not of the function), with their defaults.
    _settings: ClassVar[Mapping[str, Any]] = {}

    options: Mapping[str, Any]
    by: tuple[str, ...]
    tz: str | None
    cells: Mapping[CellKey, Any]
    #: The latest message seen, epoch ns (the default ``as_of`` over everything merged).
    seen_as_of: int | None
    #: The XOR of a hash of each conversation seen (its id and first message's time), 0 for
    #: none: two states of the same conversations have the same one, and refuse to merge.
    fingerprint: int = 0
    _exact: Any = attrs.field(default=None, alias="exact")

    # --- what a subclass provides -------------------------------------------------------------

    @classmethod
    def _function(cls) -> Callable[..., Any]:
        from ..metrics import REGISTRY

        function: Callable[..., Any] = REGISTRY[cls._metric].function
        return function

    def _cells_of(self, result: Any) -> dict[CellKey, Any]:  # pragma: no cover
        raise NotImplementedError

    def _merge_cells(self, a: Any, b: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _result_of(self, keys: GroupKeys, values: list[Any]) -> Any:  # pragma: no cover
        raise NotImplementedError

    def _cell_to_json(self, value: Any) -> Any:
        return list(value)

    @classmethod
    def _order(cls, key: Any) -> Any:
        """How cells sort: the order of `result()`'s groups and of `to_dict()`'s cells."""
        return _sort_key(key)

    def _key_to_json(self, key: Any) -> Any:
        return list(key)

    def _key_from_json(self, key: Any) -> Any:
        return (key[0], key[1], None if key[2] is None else int(key[2]))

    def _cell_from_json(self, value: Any) -> Any:
        return tuple(int(v) for v in value)

    # --- construction -----------------------------------------------------------------------------

    @classmethod
    def empty(
        cls,
        *args: Any,
        by: tuple[str, ...] | str = (),
        tz: str | ZoneInfo | None = None,
        **options: Any,
    ) -> Self:
        """A state over no data, with the metric's options and the groups to keep.

        Args:
            *args: The metric function's options that it takes by position (SLA compliance's
                policy).
            by: The groups to keep, as ``result().by()`` will be asked for them: ``"agent"``,
                ``"channel"`` and at most one period (``"hour"``, ``"day"``, ``"week"``,
                ``"month"``). A period kept lets the result be split by it and by any period
                made of it (days make weeks and months). Default: the whole only.
            tz: The time zone of the periods kept (an IANA name); default the calendar's, else
                UTC.
            **options: The metric function's options (``calendar=``, ``bot_replies=``,
                ``as_of=``, ``start=``, ``end=``, ...) as the function takes them; for duration
                metrics also ``slowest=`` (default 10), how many of the slowest items each group
                keeps.

        Raises:
            InvalidParameterError: an option the function does not take or refuses, or a
                ``by`` key the metric cannot split by.
        """
        function = f"{cls.__name__}.empty"
        parameters = inspect.signature(cls._function()).parameters
        names = [p.name for p in parameters.values()][1:]
        positional = [
            p.name for p in parameters.values() if p.kind is not inspect.Parameter.KEYWORD_ONLY
        ][1:]
        if len(args) > len(positional):
            raise InvalidParameterError(
                function, "args", f"at most {len(positional)} positional options", args
            )
        given = dict(zip(positional, args, strict=False))
        for name, default in cls._settings.items():
            given[name] = cls._check_setting(name, options.pop(name, default), function)
        for name, value in options.items():
            if name not in names or name in given or name == "tz":
                raise InvalidParameterError(
                    function, name, "an option of " + cls._metric + ": " + ", ".join(names), value
                )
            given[name] = value
        for name in names:
            if name not in given:
                default = parameters[name].default
                if default is inspect.Parameter.empty:
                    raise InvalidParameterError(function, name, "given", None)
                given[name] = default
        if cls._needs_as_of and given.get("as_of") is None and given.get("end") is None:
            raise InvalidParameterError(
                function,
                "as_of",
                "a datetime (or end=): the default, the latest message, differs from one "
                "slice of the data to another, and decides which open items are breached",
                None,
            )
        kept = _check_by(by, cls._allowed_by, function)
        zone = _tz_name(tz, function)
        if "tz" in names:
            # The function's own periods are the state's: one time zone, given once.
            given["tz"] = zone
        # The function checks every option: on no data, at once.
        state = cls(
            options=MappingProxyType(given),
            by=kept,
            tz=zone,
            cells=MappingProxyType({}),
            seen_as_of=None,
        )
        state._compute(state._empty_data())
        return state

    @classmethod
    def _check_setting(cls, name: str, value: Any, function: str) -> Any:
        return value

    def _empty_data(self) -> Any:
        from ..tables.messages import MessageTable

        return MessageTable.from_conversations([])

    def _zone(self) -> tzinfo:
        if self.tz is not None:
            return ZoneInfo(self.tz)
        calendar = self.options.get("calendar")
        if calendar is None:
            policy = self.options.get("policy")
            calendar = getattr(policy, "calendar", None)
        if calendar is not None:
            zone: tzinfo = calendar.timezone
            return zone
        return resolve_timezone(None, "")

    def _compute(self, data: Any) -> Any:
        function = self._function()
        parameters = list(inspect.signature(function).parameters)[1:]
        return function(data, **{k: v for k, v in self.options.items() if k in parameters})

    # --- the operations ---------------------------------------------------------------------------

    def update(self, data: Any) -> Self:
        """This state with a slice of data added: conversations (or a ``MessageTable``; survey
        responses for survey metrics) that no state merged with it has seen.

        A conversation must come whole, in one slice: a state cannot add messages to a
        conversation it has already counted.

        Raises:
            StateMismatchError: the slice holds the very conversations the state holds already
                (for message metrics, by their `fingerprint`): adding them would count each
                twice.
        """
        data = self._prepared(data)
        result = self._compute(data)
        as_of = getattr(result, "as_of", None)
        seen = None if as_of is None or self.options.get("as_of") is not None else as_of
        part = attrs.evolve(
            self,
            cells=MappingProxyType(self._cells_of(result)),
            seen_as_of=None if seen is None else datetime_to_ns(seen),
            fingerprint=_fingerprint(data),
            exact=result,
        )
        return self.merge(part) if not self._is_identity() else part

    def _prepared(self, data: Any) -> Any:
        """The data as the function reads it: for message metrics, a ``MessageTable`` (built
        once, so the state can tell which conversations it holds)."""
        from ..metrics import REGISTRY

        if REGISTRY[self._metric].input != "messages":
            return data
        from .._engine.inputs import as_table

        return as_table(data, self._metric)

    def _is_identity(self) -> bool:
        return not self.cells and self.seen_as_of is None and not self.fingerprint

    def merge(self, other: Self) -> Self:
        """The state of both states' data.

        Raises:
            StateMismatchError: ``other`` is another metric's state, or was made with other
                options or other groups (the message says what differs), or holds the same
                conversations as this state (their `fingerprint`s agree).
        """
        if not isinstance(other, MetricState) or type(other) is not type(self):
            raise StateMismatchError(
                f"{type(self).__name__}.merge",
                f"'other' must be a {type(self).__name__} (got a {type(other).__name__})",
            )
        differences = self._differences(other)
        if differences:
            raise StateMismatchError(
                f"{type(self).__name__}.merge",
                "the states were made with different "
                + "; ".join(differences)
                + ". Merge only states made with the same options and groups.",
                tuple(differences),
            )
        if self.fingerprint and self.fingerprint == other.fingerprint:
            raise StateMismatchError(
                f"{type(self).__name__}.merge",
                "both states hold the same conversations (their fingerprints agree): merging "
                "them would count every one twice. Add each slice of the data once: a state "
                "merged with itself, or updated twice with the same data, is such a merge",
            )
        if other._is_identity():
            return self
        if self._is_identity():
            return other
        cells = dict(self.cells)
        for key, value in other.cells.items():
            cells[key] = self._merge_cells(cells[key], value) if key in cells else value
        seen = [v for v in (self.seen_as_of, other.seen_as_of) if v is not None]
        return attrs.evolve(
            self,
            cells=MappingProxyType(dict(sorted(cells.items(), key=lambda i: self._order(i[0])))),
            seen_as_of=max(seen) if seen else None,
            fingerprint=self.fingerprint ^ other.fingerprint,
            exact=None,
        )

    def _config(self) -> dict[str, Any]:
        config = {
            **{f"option {name}": value for name, value in self.options.items()},
            "groups (by)": self.by,
        }
        if "tz" not in self.options:
            config["time zone (tz)"] = _Zone(self.tz, str(self._zone()))
        return config

    def _differences(self, other: MetricState) -> list[str]:
        mine, theirs = self._config(), other._config()
        return [
            f"{name}: {mine[name]!r} here, {theirs[name]!r} in the other"
            for name in mine
            if not _same(mine[name], theirs[name])
        ]

    @property
    def exact(self) -> bool:
        """Whether `result()` is the function's own result (this process computed this state
        from one slice; neither merged nor read back from a pickle or a dict)."""
        return self._exact is not None

    def result(self) -> Any:
        """The metric's summary.

        A state computed here from one slice (`exact`) gives the metric function's own result,
        to the last digit. A merged state gives a summary of the same shape from its cells;
        only duration percentiles are then estimates (within 1%), and the result says so.
        """
        if self._exact is not None:
            return self._exact
        ordered = sorted(self.cells.items(), key=lambda item: self._order(item[0]))
        keys = [key for key, _ in ordered]
        agents = sorted({k[0] for k in keys if k[0] is not None})
        channels = sorted({k[1] for k in keys if k[1] is not None})
        agent_code = {name: i for i, name in enumerate(agents)}
        channel_code = {name: i for i, name in enumerate(channels)}
        zone = self._zone() if any(k in PERIOD_UNITS for k in self.by) else None
        group_keys = GroupKeys(
            agent=np.array([agent_code.get(k[0], -1) for k in keys], dtype=np.int32),  # type: ignore[arg-type]
            agent_names=tuple(agents),
            channel=np.array([channel_code.get(k[1], -1) for k in keys], dtype=np.int32),  # type: ignore[arg-type]
            channel_names=tuple(channels),
            time=np.array([NAT if k[2] is None else k[2] for k in keys], dtype=np.int64),
            default_tz=zone,
        )
        return self._result_of(group_keys, [value for _, value in ordered])

    def _as_of(self) -> datetime | None:
        given = self.options.get("as_of")
        if given is not None:
            return given  # type: ignore[no-any-return]
        end = self.options.get("end")
        if end is not None:
            return end  # type: ignore[no-any-return]
        return None if self.seen_as_of is None else ns_to_datetime(self.seen_as_of)

    # --- JSON and pickle --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-safe values, with a format version; `from_dict` reads it back.

        Instants are epoch nanoseconds (UTC). Options that are objects (a calendar, an SLA
        policy) are written as their ``repr`` and must be given again to `from_dict`.
        """
        options = {name: self._option_to_json(name, value) for name, value in self.options.items()}
        ordered = sorted(self.cells.items(), key=lambda item: self._order(item[0]))
        return {
            "format": "socialcare_metrics.state",
            "version": FORMAT_VERSION,
            "metric": self._metric,
            "options": options,
            "by": list(self.by),
            "tz": self.tz,
            "seen_as_of": self.seen_as_of,
            "fingerprint": f"{self.fingerprint:016x}",
            "cells": [[self._key_to_json(k), self._cell_to_json(v)] for k, v in ordered],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **objects: Any) -> Self:
        """The state `to_dict()` wrote.

        Args:
            data: What `to_dict()` returned (e.g. read back from JSON).
            **objects: The options that are objects, as given to `empty()`: ``calendar=``
                (and ``policy=`` for SLA compliance), when the state was made with one; each
                must match the ``repr`` written.

        Raises:
            StateMismatchError: another format version, another metric, an object option
                missing or unlike the one the state was made with, or a dict that is not a
                state's.
        """
        function = f"{cls.__name__}.from_dict"
        if data.get("format") != "socialcare_metrics.state" or data.get("version") != (
            FORMAT_VERSION
        ):
            raise StateMismatchError(
                function,
                f"expected a state of format version {FORMAT_VERSION} "
                f"(got version {data.get('version')!r})",
            )
        if data.get("metric") != cls._metric:
            raise StateMismatchError(
                function, f"expected a {cls._metric} state (got {data.get('metric')!r})"
            )
        try:
            return cls._parse(data, objects, function)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
            if isinstance(error, StateMismatchError | InvalidParameterError):
                raise
            raise StateMismatchError(
                function, f"not a state's dict: {type(error).__name__} {error}"
            ) from error

    @classmethod
    def _parse(cls, data: Mapping[str, Any], objects: Mapping[str, Any], function: str) -> Self:
        expected = [*list(inspect.signature(cls._function()).parameters)[1:], *cls._settings]
        if sorted(data["options"]) != sorted(expected):
            raise StateMismatchError(
                function,
                f"expected the options {', '.join(sorted(expected))} "
                f"(got {', '.join(sorted(data['options']))})",
            )
        options = {
            name: cls._option_from_json(name, value, objects, function)
            for name, value in data["options"].items()
        }
        seen = data["seen_as_of"]
        state = cls(
            options=MappingProxyType(options),
            by=_check_by(list(data["by"]), cls._allowed_by, function),
            tz=_tz_name(data["tz"], function),
            cells=MappingProxyType({}),
            seen_as_of=None if seen is None else int(seen),
            # (A dict written before states had fingerprints has none: 0.)
            fingerprint=int(data.get("fingerprint", "0"), 16),
        )
        cells = {state._key_from_json(key): state._cell_from_json(v) for key, v in data["cells"]}
        return attrs.evolve(state, cells=MappingProxyType(cells))

    def _option_to_json(self, name: str, value: Any) -> Any:
        """An option as `to_dict` writes it."""
        if isinstance(value, datetime):
            return {"instant_ns": datetime_to_ns(value)}
        if name in self._object_options:
            return None if value is None else {"repr": repr(value)}
        return value

    @classmethod
    def _option_from_json(
        cls, name: str, value: Any, objects: Mapping[str, Any], function: str
    ) -> Any:
        """An option as `from_dict` reads it back (an object option: the one given again)."""
        if name in cls._object_options:
            given = objects.get(name)
            written = None if value is None else value["repr"]
            if (given is None) != (written is None) or (
                given is not None and repr(given) != written
            ):
                raise StateMismatchError(
                    function,
                    f"the state was made with {name}={written or None}; "
                    f"pass the same {name}= (got {given!r})",
                )
            return given
        if isinstance(value, dict):
            return ns_to_datetime(int(value["instant_ns"]))
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        objects = {name: self.options.get(name) for name in self._object_options}
        return (_restore, (type(self), self.to_dict(), objects))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, MetricState)
        return not self._differences(other) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((type(self), str(self.to_dict())))

    def __repr__(self) -> str:
        by = ", ".join(self.by) or "whole"
        return f"<{type(self).__name__}: {len(self.cells):,} cells (by {by})>"


@attrs.frozen(eq=False)
class _Zone:
    """A state's ``tz`` as given, and the zone its periods are cut in: two states agree when
    either is the same (tz=None and tz="UTC" without a calendar are one zone; two states
    with tz=None and other calendars differ by their calendars, said once)."""

    given: str | None
    resolved: str

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Zone):
            return NotImplemented
        return self.given == other.given or self.resolved == other.resolved

    def __hash__(self) -> int:
        return hash(self.resolved)

    def __repr__(self) -> str:
        return repr(self.resolved)


def _fingerprint(data: Any) -> int:
    """A table's conversations as one 64-bit fingerprint (kept on the table once made): the XOR
    of a hash of each conversation's id and first message's time. 0 for other data."""
    from .._core.encode import id_fingerprint
    from ..tables.messages import MessageTable

    if not isinstance(data, MessageTable) or not data.n_conversations:
        return 0
    cached = data._derived.get("fingerprint")
    if cached is None:
        starts, ends = data.offsets[:-1], data.offsets[1:]
        firsts = np.full(starts.shape[0], NAT, dtype=np.int64)  # a conversation of no message
        firsts[starts < ends] = data.sent_at[starts[starts < ends]]
        keys = np.array(
            [
                f"{label}\x00{first}"
                for label, first in zip(
                    data.conversation_ids.tolist(), firsts.tolist(), strict=True
                )
            ],
            dtype=object,
        )
        cached = data._derived["fingerprint"] = id_fingerprint(keys)
    return int(cached)


def _restore(cls: type[MetricState], data: dict[str, Any], objects: dict[str, Any]) -> Any:
    return cls.from_dict(data, **{k: v for k, v in objects.items() if v is not None})


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return datetime_to_ns(a) == datetime_to_ns(b)
    try:
        return bool(a == b)
    except Exception:  # pragma: no cover - an option that cannot compare
        return a is b
