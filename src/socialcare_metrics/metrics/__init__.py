"""Every metric of the library, as a pure function: data in, result out.

Message metrics take conversations (``Conversation`` records) or a ``MessageTable``; survey
metrics take ``SurveyResponse`` records or a ``SurveyTable``; task performance takes ``Task``
records; call deflection takes contact counts.

:data:`REGISTRY` describes every metric function below (its input kind, result type and the
keys its result can be grouped by), so that tools and tests can walk all of them.
"""

# None of the modules imported here imports this package back (the registry module needs only
# ``errors``), so REGISTRY, built last from the functions and result types, forms no cycle.
from .._engine.segments import Segment
from .._engine.sla import SlaPolicy
from ..results.attainment import AttainmentResult
from ..results.counts import CountResult, RateResult, ReplyVolumeResult
from ..results.deflection import DeflectionReport
from ..results.durations import DurationResult
from ..results.quick_replies import QuickReplyResult
from ..results.sentiment import SentimentResult
from ..results.series import HourOfWeekResult, VolumeSeries
from ..results.sla import SlaReport
from ..results.surveys import CsatResult, NpsResult
from ..results.tasks import TaskPerformance
from ..results.topics import TopicResult
from ..results.voice import VoiceResult
from ._registry import Metric, Registry
from .attainment import expectation_attainment
from .content.quick_replies import quick_replies
from .content.sentiment import customer_sentiment
from .content.topics import topics
from .content.voice import voice_of_customer
from .deflection import call_deflection
from .inbound import hour_of_week, inbound_volume
from .resolution import resolution_time
from .satisfaction import csat, nps
from .sla import sla_compliance
from .speed import first_reply_time, reply_wait_time
from .tasks import task_performance
from .volume import (
    action_rate,
    messages_received,
    reply_rate,
    resolution_rate,
    time_to_action,
    total_replies,
    unique_messages_replied,
)

__all__ = [
    "REGISTRY",
    "Metric",
    "Registry",
    "Segment",
    "SlaPolicy",
    "action_rate",
    "call_deflection",
    "csat",
    "customer_sentiment",
    "expectation_attainment",
    "first_reply_time",
    "hour_of_week",
    "inbound_volume",
    "messages_received",
    "nps",
    "quick_replies",
    "reply_rate",
    "reply_wait_time",
    "resolution_rate",
    "resolution_time",
    "sla_compliance",
    "task_performance",
    "time_to_action",
    "topics",
    "total_replies",
    "unique_messages_replied",
    "voice_of_customer",
]

# The by() keys of each kind of result.
_BY_ITEM = ("agent", "channel", "hour", "day", "week", "month")
_BY_SURVEY = ("agent", "hour", "day", "week", "month")
_BY_TASK = ("assignee", "agent", "hour", "day", "week", "month")
_BY_SERIES = ("agent", "channel")

#: Every metric function of the library, by name: one entry per function above.
REGISTRY = Registry(
    [
        # Speed.
        Metric(
            "first_reply_time",
            first_reply_time,
            DurationResult,
            "messages",
            _BY_ITEM,
            "How long customers waited for the brand's first reply.",
        ),
        Metric(
            "reply_wait_time",
            reply_wait_time,
            DurationResult,
            "messages",
            _BY_ITEM,
            "How long customers waited for each reply, the first one included.",
        ),
        Metric(
            "expectation_attainment",
            expectation_attainment,
            AttainmentResult,
            "messages",
            _BY_ITEM,
            "The shares of first replies within 1 hour and within 24 hours.",
        ),
        Metric(
            "sla_compliance",
            sla_compliance,
            SlaReport,
            "messages",
            _BY_ITEM,
            "Compliance with an SLA policy's first-reply, next-reply and resolution targets.",
        ),
        Metric(
            "resolution_time",
            resolution_time,
            DurationResult,
            "messages",
            _BY_ITEM,
            "From the customer's first message to the conversation's resolution.",
        ),
        Metric(
            "time_to_action",
            time_to_action,
            DurationResult,
            "messages",
            _BY_ITEM,
            "From each customer message to the brand's first reply to it or action on it.",
        ),
        # Volume and productivity.
        Metric(
            "messages_received",
            messages_received,
            CountResult,
            "messages",
            _BY_ITEM,
            "Public customer messages received.",
        ),
        Metric(
            "total_replies",
            total_replies,
            ReplyVolumeResult,
            "messages",
            _BY_ITEM,
            "Public replies sent by agents (and by bots, if they count as replies).",
        ),
        Metric(
            "unique_messages_replied",
            unique_messages_replied,
            CountResult,
            "messages",
            _BY_ITEM,
            "Customer messages inside a wait that got a reply.",
        ),
        Metric(
            "reply_rate",
            reply_rate,
            RateResult,
            "messages",
            _BY_ITEM,
            "Unique messages replied over messages received.",
        ),
        Metric(
            "resolution_rate",
            resolution_rate,
            RateResult,
            "messages",
            _BY_ITEM,
            "Resolved conversations over conversations.",
        ),
        Metric(
            "action_rate",
            action_rate,
            RateResult,
            "messages",
            _BY_ITEM,
            "Customer messages replied to or actioned over customer messages.",
        ),
        Metric(
            "inbound_volume",
            inbound_volume,
            VolumeSeries,
            "messages",
            _BY_SERIES,
            "Customer messages per local hour, day, week or month, empty periods as zero.",
        ),
        Metric(
            "hour_of_week",
            hour_of_week,
            HourOfWeekResult,
            "messages",
            (),
            "Customer messages by local weekday and hour of day (a 7 x 24 matrix).",
        ),
        # Satisfaction.
        Metric(
            "csat",
            csat,
            CsatResult,
            "surveys",
            _BY_SURVEY,
            "Customer satisfaction: the share of 4 and 5 among 1-5 survey responses.",
        ),
        Metric(
            "nps",
            nps,
            NpsResult,
            "surveys",
            _BY_SURVEY,
            "Net Promoter Score: % promoters (9-10) - % detractors (0-6) of 0-10 responses.",
        ),
        # Tasks and deflection.
        Metric(
            "task_performance",
            task_performance,
            TaskPerformance,
            "tasks",
            _BY_TASK,
            "Tasks assigned and completed, completion rate and time to complete.",
        ),
        Metric(
            "call_deflection",
            call_deflection,
            DeflectionReport,
            "contacts",
            (),
            "Social contacts against phone and email: ratio, share and estimated savings.",
        ),
        # Content.
        Metric(
            "quick_replies",
            quick_replies,
            QuickReplyResult,
            "messages",
            _BY_ITEM,
            "How often customers picked each quick-reply option: counts and shares.",
        ),
        Metric(
            "topics",
            topics,
            TopicResult,
            "messages",
            _BY_ITEM,
            "Top topics and subtopics of customer messages or conversations, from tag paths.",
        ),
        Metric(
            "customer_sentiment",
            customer_sentiment,
            SentimentResult,
            "messages",
            _BY_ITEM,
            "Positive, neutral and negative customer messages; positive ratio, net sentiment.",
        ),
        Metric(
            "voice_of_customer",
            voice_of_customer,
            VoiceResult,
            "messages",
            _BY_ITEM,
            "The terms that set a segment of customer messages apart (log-odds, Dirichlet prior).",
        ),
    ]
)
