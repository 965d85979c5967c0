"""What the metrics return: a value with the count behind it, and the items it was computed from.

Every result that holds items (durations, counts, rates, SLA items, survey scores, tasks) can be
split with ``by()`` and converted with ``to_dict()``, ``to_pandas()`` and ``to_arrow()``.
"""

from ._base import Groups
from ._content import RankedCount
from ._trend import Trend
from .attainment import EXPECTED_WITHIN_DAY, EXPECTED_WITHIN_HOUR, AttainmentResult, Expectation
from .counts import CountResult, RateResult, ReplyVolumeResult
from .deflection import (
    ASSISTED_CONTACT_COST,
    CHANNEL_KINDS,
    SOCIAL_CONTACT_COST,
    DeflectionReport,
    DeflectionResult,
)
from .durations import (
    DURATION_BUCKETS,
    DurationBucket,
    DurationDistribution,
    DurationResult,
    SlowWait,
    format_duration,
)
from .quick_replies import QuickReplyResult
from .sentiment import SentimentResult
from .series import HourOfWeekResult, VolumeSeries
from .sla import SlaItem, SlaReport, SlaResult
from .surveys import CsatResult, FollowUp, NpsResult
from .tasks import SlowTask, TaskPerformance
from .topics import TopicResult
from .voice import TermCounts, TermExample, TermScore, VoiceResult

__all__ = [
    "ASSISTED_CONTACT_COST",
    "CHANNEL_KINDS",
    "DURATION_BUCKETS",
    "EXPECTED_WITHIN_DAY",
    "EXPECTED_WITHIN_HOUR",
    "SOCIAL_CONTACT_COST",
    "AttainmentResult",
    "CountResult",
    "CsatResult",
    "DeflectionReport",
    "DeflectionResult",
    "DurationBucket",
    "DurationDistribution",
    "DurationResult",
    "Expectation",
    "FollowUp",
    "Groups",
    "HourOfWeekResult",
    "NpsResult",
    "QuickReplyResult",
    "RankedCount",
    "RateResult",
    "ReplyVolumeResult",
    "SentimentResult",
    "SlaItem",
    "SlaReport",
    "SlaResult",
    "SlowTask",
    "SlowWait",
    "TaskPerformance",
    "TermCounts",
    "TermExample",
    "TermScore",
    "TopicResult",
    "Trend",
    "VoiceResult",
    "VolumeSeries",
    "format_duration",
]
