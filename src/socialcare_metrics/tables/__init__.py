"""The columnar tables the library computes on: messages and survey responses."""

from ._ops import TableSummary
from .messages import MessageTable
from .surveys import SurveyTable

__all__ = ["MessageTable", "SurveyTable", "TableSummary"]
