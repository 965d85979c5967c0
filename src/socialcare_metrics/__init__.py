"""socialcare_metrics: exact, fast metrics for social-media customer care.

The public API is re-exported here; the modules behind it are private.
"""

from ._attainment import (
    EXPECTED_WITHIN_DAY,
    EXPECTED_WITHIN_HOUR,
    AttainmentResult,
    Expectation,
    expectation_attainment,
)
from ._calendar import BusinessCalendar
from ._deflection import (
    ASSISTED_CONTACT_COST,
    SOCIAL_CONTACT_COST,
    DeflectionReport,
    DeflectionResult,
    call_deflection,
)
from ._errors import InvalidDataError, InvalidParameterError, InvalidRecordError, SocialCareError
from ._inbound import HourOfWeekResult, VolumeSeries, hour_of_week, inbound_volume
from ._loaders import LoadResult, RowProblem, load_ibm_cdp, load_messages, load_twcs
from ._records import Author, Conversation, Message, SurveyKind, SurveyResponse, Task
from ._resolution import resolution_time
from ._results import (
    DURATION_BUCKETS,
    DurationBucket,
    DurationDistribution,
    DurationResult,
    SlowWait,
    format_duration,
)
from ._sample import sample_conversations
from ._satisfaction import CsatResult, FollowUp, NpsResult, SurveyTable, csat, nps
from ._sla import SlaItem, SlaPolicy, SlaReport, SlaResult, sla_compliance
from ._speed import first_reply_time, reply_wait_time
from ._table import MessageTable
from ._tasks import SlowTask, TaskPerformance, task_performance
from ._version import __version__
from ._volume import (
    CountResult,
    RateResult,
    ReplyVolumeResult,
    action_rate,
    messages_received,
    reply_rate,
    resolution_rate,
    time_to_action,
    total_replies,
    unique_messages_replied,
)

__all__ = [
    "ASSISTED_CONTACT_COST",
    "DURATION_BUCKETS",
    "EXPECTED_WITHIN_DAY",
    "EXPECTED_WITHIN_HOUR",
    "SOCIAL_CONTACT_COST",
    "AttainmentResult",
    "Author",
    "BusinessCalendar",
    "Conversation",
    "CountResult",
    "CsatResult",
    "DeflectionReport",
    "DeflectionResult",
    "DurationBucket",
    "DurationDistribution",
    "DurationResult",
    "Expectation",
    "FollowUp",
    "HourOfWeekResult",
    "InvalidDataError",
    "InvalidParameterError",
    "InvalidRecordError",
    "LoadResult",
    "Message",
    "MessageTable",
    "NpsResult",
    "RateResult",
    "ReplyVolumeResult",
    "RowProblem",
    "SlaItem",
    "SlaPolicy",
    "SlaReport",
    "SlaResult",
    "SlowTask",
    "SlowWait",
    "SocialCareError",
    "SurveyKind",
    "SurveyResponse",
    "SurveyTable",
    "Task",
    "TaskPerformance",
    "VolumeSeries",
    "__version__",
    "action_rate",
    "call_deflection",
    "csat",
    "expectation_attainment",
    "first_reply_time",
    "format_duration",
    "hour_of_week",
    "inbound_volume",
    "load_ibm_cdp",
    "load_messages",
    "load_twcs",
    "messages_received",
    "nps",
    "reply_rate",
    "reply_wait_time",
    "resolution_rate",
    "resolution_time",
    "sample_conversations",
    "sla_compliance",
    "task_performance",
    "time_to_action",
    "total_replies",
    "unique_messages_replied",
]
