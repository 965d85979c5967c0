"""The metric registry: what each metric function takes, returns and can be grouped by.

A :class:`Metric` describes one metric function; a :class:`Registry` maps metric names to them.
``socialcare_metrics.metrics.REGISTRY`` lists every metric of the library, so that tools (and the
common tests, which check the same laws on every registered metric) can walk them without a
hand-kept list of their own.

This module imports nothing from the metric modules: the package ``__init__`` builds the
registry after importing them, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, get_args

import attrs

from ..errors import InvalidParameterError

if TYPE_CHECKING:
    from ..states import MetricState

__all__ = ["INPUT_KINDS", "InputKind", "Metric", "Registry"]

InputKind: TypeAlias = Literal["messages", "surveys", "tasks", "contacts"]

#: The input kinds, in the order :class:`Registry` reports them: conversations or a
#: ``MessageTable``; survey responses or a ``SurveyTable``; ``Task`` records; contact counts.
INPUT_KINDS: Final[tuple[InputKind, ...]] = get_args(InputKind)


def _check_name(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.isidentifier():
        raise InvalidParameterError("Metric", "name", "a function name (an identifier)", value)


def _check_function(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise InvalidParameterError("Metric", "function", "a callable", value)
    name = getattr(value, "__name__", None)
    if name != instance.name:
        raise InvalidParameterError(
            "Metric", "function", f"a function named {instance.name!r}", value
        )


def _check_result_type(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, type):
        raise InvalidParameterError("Metric", "result_type", "a class", value)


def _check_input(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or value not in INPUT_KINDS:
        raise InvalidParameterError(
            "Metric", "input", "one of " + ", ".join(map(repr, INPUT_KINDS)), value
        )


def _to_keys(value: object) -> object:
    # A list or other iterable of keys is kept as a tuple; a bare string is left for the check.
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return tuple(value)
    return value


def _check_group_keys(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    expected = "a tuple of distinct non-empty str"
    if not isinstance(value, tuple):
        raise InvalidParameterError("Metric", "group_keys", expected, value)
    if not all(isinstance(key, str) and key for key in value) or len(set(value)) != len(value):
        raise InvalidParameterError("Metric", "group_keys", expected, value)


def _check_summary(instance: Metric, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        raise InvalidParameterError("Metric", "summary", "one non-empty line of text", value)


@attrs.frozen
class Metric:
    """One metric function, with what it takes and what it returns.

    Attributes:
        name: The function's name, e.g. ``"first_reply_time"``.
        function: The metric function itself.
        result_type: The class of what it returns, e.g. ``DurationResult``.
        input: What its data argument is: ``"messages"`` (conversations or a ``MessageTable``),
            ``"surveys"`` (survey responses or a ``SurveyTable``), ``"tasks"`` (``Task``
            records) or ``"contacts"`` (contact counts per channel kind).
        group_keys: The keys its result's ``by()`` accepts, e.g. ``("agent", "day")``; empty
            when the result cannot be split.
        summary: What it measures, in one line.

    Raises:
        InvalidParameterError: a field of the wrong kind, or a function whose ``__name__`` is
            not ``name``.

    Examples:
        >>> from socialcare_metrics.metrics import REGISTRY, Metric, first_reply_time
        >>> metric = REGISTRY["first_reply_time"]
        >>> metric.function is first_reply_time, metric.result_type.__name__, metric.input
        (True, 'DurationResult', 'messages')
        >>> "day" in metric.group_keys
        True
        >>> Metric("median", first_reply_time, object, "messages", (), "?")
        Traceback (most recent call last):
        ...
        socialcare_metrics.errors.InvalidParameterError: Metric(): 'function' must be a function named 'median' (got ...)
    """  # noqa: E501

    name: str = attrs.field(validator=_check_name)
    function: Callable[..., Any] = attrs.field(validator=_check_function)
    result_type: type[Any] = attrs.field(validator=_check_result_type)
    input: InputKind = attrs.field(validator=_check_input)
    group_keys: tuple[str, ...] = attrs.field(converter=_to_keys, validator=_check_group_keys)
    summary: str = attrs.field(validator=_check_summary)

    @property
    def state(self) -> type[MetricState] | None:
        """The metric as a mergeable state class (`socialcare_metrics.states`); every metric of
        the registry has one (``None`` for a `Metric` made elsewhere, without one).

        Examples:
            >>> from socialcare_metrics.metrics import REGISTRY
            >>> REGISTRY["first_reply_time"].state.__name__
            'FirstReplyTimeState'
        """
        from ..states import STATES  # the states import the metrics: looked up when asked

        return STATES.get(self.name)


class Registry(Mapping[str, Metric]):
    """A read-only mapping from metric name to :class:`Metric`, in the order given.

    Args:
        metrics: The metrics; each name once.

    Raises:
        InvalidParameterError: an item is not a :class:`Metric`, or a name repeats.

    Examples:
        >>> from socialcare_metrics.metrics import REGISTRY
        >>> REGISTRY["csat"].summary
        'Customer satisfaction: the share of 4 and 5 among 1-5 survey responses.'
        >>> [metric.name for metric in REGISTRY.by_input("surveys")]
        ['csat', 'nps']
        >>> "median_reply_time" in REGISTRY, len(REGISTRY) == len(list(REGISTRY))
        (False, True)
    """

    __slots__ = ("_metrics",)

    _metrics: Mapping[str, Metric]

    def __init__(self, metrics: Iterable[Metric] = ()) -> None:
        table: dict[str, Metric] = {}
        for position, metric in enumerate(metrics):
            if not isinstance(metric, Metric):
                raise InvalidParameterError("Registry", f"metrics[{position}]", "a Metric", metric)
            if metric.name in table:
                raise InvalidParameterError(
                    "Registry",
                    f"metrics[{position}].name",
                    "a metric name not registered before",
                    metric.name,
                )
            table[metric.name] = metric
        object.__setattr__(self, "_metrics", MappingProxyType(table))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[type[Registry], tuple[tuple[Metric, ...]]]:
        return (type(self), (tuple(self._metrics.values()),))

    def __getitem__(self, name: str) -> Metric:
        return self._metrics[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)

    def by_input(self, input: InputKind) -> tuple[Metric, ...]:
        """The metrics that take ``input`` as their data, in registry order.

        Args:
            input: ``"messages"``, ``"surveys"``, ``"tasks"`` or ``"contacts"``.

        Raises:
            InvalidParameterError: ``input`` is not one of those.

        Examples:
            >>> from socialcare_metrics.metrics import REGISTRY
            >>> [metric.name for metric in REGISTRY.by_input("tasks")]
            ['task_performance']
        """
        if not isinstance(input, str) or input not in INPUT_KINDS:
            raise InvalidParameterError(
                "Registry.by_input", "input", "one of " + ", ".join(map(repr, INPUT_KINDS)), input
            )
        return tuple(metric for metric in self._metrics.values() if metric.input == input)

    def __repr__(self) -> str:
        return f"<Registry of {len(self)} metrics: {', '.join(self._metrics)}>"
