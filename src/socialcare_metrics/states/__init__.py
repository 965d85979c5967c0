"""Every metric as a mergeable state: for data split across processes, machines or days.

A state is an immutable summary of a slice of the data (conversations, or survey responses):

- ``State.empty(**options)``: no data yet; the metric function's options, and ``by=`` the
  groups to keep (``"agent"``, ``"channel"``, a period);
- ``state.update(data)``: a slice added; ``state.merge(other)``: another slice's state added;
- ``state.result()``: the summary, the same shape as the metric function's result;
- ``state.to_dict()`` / ``State.from_dict(d)``: JSON-safe, with a format version; states also
  pickle, in kilobytes (their size grows with the groups kept, never with the data; a voice of
  the customer state also holds the vocabulary, megabytes).

Merging states made with different options (another calendar, policy, ``as_of``, window,
groups) raises [`StateMismatchError`][socialcare_metrics.errors.StateMismatchError] naming what
differs. See the "Scaling out" page of the docs.
"""

from types import MappingProxyType
from typing import Final

from ._base import FORMAT_VERSION, MetricState
from ._deflection import CallDeflectionState
from ._metrics import (
    ActionRateState,
    CsatState,
    CustomerSentimentState,
    DurationCell,
    ExpectationAttainmentState,
    FirstReplyTimeState,
    HourOfWeekState,
    InboundVolumeState,
    MessagesReceivedState,
    NpsState,
    QuickRepliesState,
    ReplyRateState,
    ReplyWaitTimeState,
    ResolutionRateState,
    ResolutionTimeState,
    SlaComplianceState,
    TaskCell,
    TaskPerformanceState,
    TimeToActionState,
    TopicsState,
    TotalRepliesState,
    UniqueMessagesRepliedState,
    VoiceOfCustomerState,
)
from ._results import (
    AttainmentSummary,
    CountSummary,
    CsatSummary,
    DurationSummary,
    NpsSummary,
    QuickReplySummary,
    RateSummary,
    ReplyVolumeSummary,
    SentimentSummary,
    SlaSummary,
    TaskSummary,
    TopicSummary,
    VoiceSummary,
    VolumeSummary,
)
from ._sketch import RELATIVE_ACCURACY, QuantileSketch

__all__ = [
    "FORMAT_VERSION",
    "RELATIVE_ACCURACY",
    "STATES",
    "ActionRateState",
    "AttainmentSummary",
    "CallDeflectionState",
    "CountSummary",
    "CsatState",
    "CsatSummary",
    "CustomerSentimentState",
    "DurationCell",
    "DurationSummary",
    "ExpectationAttainmentState",
    "FirstReplyTimeState",
    "HourOfWeekState",
    "InboundVolumeState",
    "MessagesReceivedState",
    "MetricState",
    "NpsState",
    "NpsSummary",
    "QuantileSketch",
    "QuickRepliesState",
    "QuickReplySummary",
    "RateSummary",
    "ReplyRateState",
    "ReplyVolumeSummary",
    "ReplyWaitTimeState",
    "ResolutionRateState",
    "ResolutionTimeState",
    "SentimentSummary",
    "SlaComplianceState",
    "SlaSummary",
    "TaskCell",
    "TaskPerformanceState",
    "TaskSummary",
    "TimeToActionState",
    "TopicSummary",
    "TopicsState",
    "TotalRepliesState",
    "UniqueMessagesRepliedState",
    "VoiceOfCustomerState",
    "VoiceSummary",
    "VolumeSummary",
]

_CLASSES: Final[tuple[type[MetricState], ...]] = (
    FirstReplyTimeState,
    ReplyWaitTimeState,
    ExpectationAttainmentState,
    SlaComplianceState,
    ResolutionTimeState,
    TimeToActionState,
    MessagesReceivedState,
    TotalRepliesState,
    UniqueMessagesRepliedState,
    ReplyRateState,
    ResolutionRateState,
    ActionRateState,
    InboundVolumeState,
    HourOfWeekState,
    CsatState,
    NpsState,
    QuickRepliesState,
    TopicsState,
    CustomerSentimentState,
    VoiceOfCustomerState,
    TaskPerformanceState,
    CallDeflectionState,
)

#: The state class of every metric, by metric name (also ``REGISTRY[name].state``).
STATES: Final = MappingProxyType({cls._metric: cls for cls in _CLASSES})
