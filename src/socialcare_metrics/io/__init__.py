"""Loaders: twcs CSV exports and any tabular export, straight into the columnar table."""

from .ibm import load_ibm_cdp
from .result import LoadResult, RowProblem
from .tabular import FIELDS, TabularSource, load_messages
from .twcs import TWCS_COLUMNS, load_twcs

__all__ = [
    "FIELDS",
    "TWCS_COLUMNS",
    "LoadResult",
    "RowProblem",
    "TabularSource",
    "load_ibm_cdp",
    "load_messages",
    "load_twcs",
]
