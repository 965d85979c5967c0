"""socialcare_metrics: exact, fast metrics for social-media customer care.

The public API is re-exported here; the modules behind it are private.
"""

from ._errors import InvalidDataError, InvalidParameterError, InvalidRecordError, SocialCareError
from ._records import Author, Conversation, Message, SurveyKind, SurveyResponse, Task
from ._results import DurationResult, SlowWait, format_duration
from ._sample import sample_conversations
from ._speed import first_reply_time, reply_wait_time
from ._table import MessageTable
from ._version import __version__

__all__ = [
    "Author",
    "Conversation",
    "DurationResult",
    "InvalidDataError",
    "InvalidParameterError",
    "InvalidRecordError",
    "Message",
    "MessageTable",
    "SlowWait",
    "SocialCareError",
    "SurveyKind",
    "SurveyResponse",
    "Task",
    "__version__",
    "first_reply_time",
    "format_duration",
    "reply_wait_time",
    "sample_conversations",
]
