"""Satisfaction: CSAT on a 1-5 scale and NPS on a 0-10 scale.

Both take [`SurveyResponse`][socialcare_metrics.SurveyResponse] records or a
[`SurveyTable`][socialcare_metrics.SurveyTable] built from columns, and return results that carry
the number of responses they are based on, group by the rated agent and by calendar period ("track
the monthly average", as the source articles put it), and are ``None`` over no response
(undefined, so ``None``, never NaN).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeAlias

import numpy as np

from .._engine.window import check_window
from ..records import SurveyResponse
from ..results.surveys import CsatResult, NpsResult
from ..tables.surveys import SurveyTable, _as_survey_table

__all__ = ["csat", "nps"]

SurveyData: TypeAlias = "SurveyTable | Iterable[SurveyResponse]"


def csat(
    data: SurveyTable | Iterable[SurveyResponse],
    /,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> CsatResult:
    """Customer satisfaction (CSAT) from 1-5 survey responses.

    Average score; CSAT = the share of 4 and 5; the responses of 3 or lower listed for follow-up
    (the source articles: "1 poor, 3 neutral, 5 satisfied; if the answer is 3 or lower, follow
    up"); per month with ``.by("month")``. Responses of the NPS kind in the input are left out
    ([`nps`][socialcare_metrics.nps] reads them).

    Args:
        data: [`SurveyResponse`][socialcare_metrics.SurveyResponse] records, or a
            [`SurveyTable`][socialcare_metrics.SurveyTable].
        start: Keep only the responses answered at or after this time (an aware datetime).
        end: Keep only the responses answered before this time.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import SurveyResponse
        >>> t = datetime(2024, 5, 6, tzinfo=timezone.utc)
        >>> result = csat([SurveyResponse("csat", s, t) for s in (5, 4, 3, 4)])
        >>> result.csat, result.average, [f.score for f in result.follow_up]
        (0.75, 4.0, [3])
    """
    lo, hi = check_window(start, end, "csat")
    table = _as_survey_table(data, "csat")
    keep = table.kind == 0
    if lo is not None:
        keep &= table.answered_at >= lo
    if hi is not None:
        keep &= table.answered_at < hi
    return CsatResult(table=table._select(np.flatnonzero(keep)))


def nps(
    data: SurveyTable | Iterable[SurveyResponse],
    /,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> NpsResult:
    """Net Promoter Score (NPS) from 0-10 survey responses.

    Promoters 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors, from -100
    to 100; per month with ``.by("month")``. Responses of the CSAT kind are left out.

    Args:
        data: [`SurveyResponse`][socialcare_metrics.SurveyResponse] records, or a
            [`SurveyTable`][socialcare_metrics.SurveyTable].
        start: Keep only the responses answered at or after this time (an aware datetime).
        end: Keep only the responses answered before this time.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from socialcare_metrics import SurveyResponse
        >>> t = datetime(2024, 5, 6, tzinfo=timezone.utc)
        >>> scores = [10, 9, 10, 9, 10, 8, 7, 7, 3, 6]  # 5 promoters, 2 detractors
        >>> nps([SurveyResponse("nps", s, t) for s in scores]).nps
        30.0
    """
    lo, hi = check_window(start, end, "nps")
    table = _as_survey_table(data, "nps")
    keep = table.kind == 1
    if lo is not None:
        keep &= table.answered_at >= lo
    if hi is not None:
        keep &= table.answered_at < hi
    return NpsResult(table=table._select(np.flatnonzero(keep)))
