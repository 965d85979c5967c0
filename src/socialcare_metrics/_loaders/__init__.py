"""Loaders: twcs CSV exports and any tabular export, straight into the columnar table."""

from ._result import LoadResult, RowProblem
from ._twcs import TWCS_COLUMNS, load_twcs

__all__ = ["TWCS_COLUMNS", "LoadResult", "RowProblem", "load_twcs"]
