"""Every metric of the library, as a pure function: data in, result out.

Message metrics take conversations (``Conversation`` records) or a ``MessageTable``; survey
metrics take ``SurveyResponse`` records or a ``SurveyTable``; task performance takes ``Task``
records; call deflection takes contact counts.
"""

from .._engine.sla import SlaPolicy
from .attainment import expectation_attainment
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
    "SlaPolicy",
    "action_rate",
    "call_deflection",
    "csat",
    "expectation_attainment",
    "first_reply_time",
    "hour_of_week",
    "inbound_volume",
    "messages_received",
    "nps",
    "reply_rate",
    "reply_wait_time",
    "resolution_rate",
    "resolution_time",
    "sla_compliance",
    "task_performance",
    "time_to_action",
    "total_replies",
    "unique_messages_replied",
]
