"""CSAT (1-5) and NPS (0-10): the articles' rules, per month, and bad scores."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    FollowUp,
    InvalidDataError,
    InvalidParameterError,
    InvalidRecordError,
    SurveyResponse,
    SurveyTable,
    csat,
    nps,
)

T = datetime(2024, 5, 6, 12, tzinfo=UTC)


def csat_responses(*scores: int) -> list[SurveyResponse]:
    return [SurveyResponse("csat", s, T, id=f"r{i}") for i, s in enumerate(scores)]


def nps_responses(*scores: int) -> list[SurveyResponse]:
    return [SurveyResponse("nps", s, T) for s in scores]


# --- the articles' rules (seed 004: CSAT 1-5, follow up at 3 or lower; NPS 0-6/7-8/9-10) ------


def test_a_3_is_flagged_for_follow_up_and_a_4_is_not() -> None:
    responses = [
        SurveyResponse("csat", 3, T, conversation_id="c1", agent_id="ana", id="r1"),
        SurveyResponse("csat", 4, T, conversation_id="c2", agent_id="ana", id="r2"),
    ]
    result = csat(responses)
    assert result.follow_up == [
        FollowUp(score=3, answered_at=T, conversation_id="c1", agent_id="ana", response_id="r1")
    ]


def test_csat_is_the_share_of_4_and_5_and_the_average_is_the_mean() -> None:
    result = csat(csat_responses(1, 2, 3, 4, 5, 5, 4, 4))
    assert result.count == 8
    assert result.satisfied == 5
    assert result.csat == 5 / 8
    assert result.average == pytest.approx(28 / 8)
    assert result.distribution() == {1: 1, 2: 1, 3: 1, 4: 3, 5: 2}
    assert [f.score for f in result.follow_up] == [1, 2, 3]
    assert str(result) == "62.5%"


def test_promoters_50_percent_and_detractors_20_percent_give_nps_30() -> None:
    # The articles: NPS = % promoters - % detractors; companies aim for 30 to 50.
    result = nps(nps_responses(9, 10, 9, 10, 9, 7, 8, 8, 0, 6))
    assert (result.promoters, result.passives, result.detractors) == (5, 3, 2)
    assert result.promoter_share == 0.5
    assert result.detractor_share == 0.2
    assert result.nps == 30.0
    assert str(result) == "30"


def test_nps_group_boundaries() -> None:
    result = nps(nps_responses(*range(11)))
    assert (result.detractors, result.passives, result.promoters) == (7, 2, 2)
    assert result.distribution() == dict.fromkeys(range(11), 1)


def test_all_promoters_is_100_and_all_detractors_is_minus_100() -> None:
    assert nps(nps_responses(9, 10)).nps == 100.0
    assert nps(nps_responses(0, 6)).nps == -100.0


def test_mixed_kinds_each_metric_reads_its_own() -> None:
    mixed = csat_responses(5, 1) + nps_responses(10)
    assert csat(mixed).count == 2
    assert nps(mixed).count == 1


def test_per_month_and_per_agent() -> None:
    responses = [
        SurveyResponse("csat", 5, datetime(2024, 3, 10, tzinfo=UTC), agent_id="ana"),
        SurveyResponse("csat", 2, datetime(2024, 3, 20, tzinfo=UTC), agent_id="bo"),
        SurveyResponse("csat", 4, datetime(2024, 5, 2, tzinfo=UTC)),
    ]
    monthly = csat(responses).by("month")
    assert [k.month for k in monthly if k is not None] == [3, 4, 5]
    assert [v.count for v in monthly.values()] == [2, 0, 1]
    assert monthly[datetime(2024, 4, 1, tzinfo=UTC)].csat is None  # an empty month: undefined
    assert monthly[datetime(2024, 3, 1, tzinfo=UTC)].average == 3.5
    by_agent = csat(responses).by("agent")
    assert list(by_agent) == ["ana", "bo", None]
    assert by_agent["bo"].follow_up[0].agent_id == "bo"
    # The last day of a month in UTC can be the first of the next in Tokyo.
    late = [SurveyResponse("nps", 10, datetime(2024, 3, 31, 20, tzinfo=UTC))]
    assert [k.month for k in nps(late).by("month", tz="Asia/Tokyo") if k is not None] == [4]


def test_over_nothing_everything_is_none_with_count_zero() -> None:
    empty_csat = csat([])
    assert (empty_csat.count, empty_csat.csat, empty_csat.average) == (0, None, None)
    assert empty_csat.follow_up == []
    assert str(empty_csat) == "n/a"
    empty_nps = nps(csat_responses(5))
    assert (empty_nps.count, empty_nps.nps, empty_nps.promoter_share) == (0, None, None)
    assert empty_nps.to_dict()["nps"] is None


# --- columns ----------------------------------------------------------------------------------


def test_columns_give_the_same_result_as_records() -> None:
    scores = [5, 3, 4, 1]
    times = np.array(
        ["2024-05-01", "2024-05-02", "2024-06-03", "2024-06-04"], dtype="datetime64[ns]"
    )
    table = SurveyTable.from_columns(
        score=scores,
        answered_at=times,
        agent_id=["ana", "bo", None, "ana"],
        conversation_id=["c1", "c2", None, 4],
        response_id=None,
    )
    from_table = csat(table)
    assert from_table.to_dict() == csat(csat_responses(*scores)).to_dict()
    assert [f.conversation_id for f in from_table.follow_up] == ["c2", "4"]
    assert [v.count for v in from_table.by("month").values()] == [2, 2]


def test_a_kind_column_mixes_csat_and_nps() -> None:
    table = SurveyTable.from_columns(
        kind=["csat", "nps", "NPS"],
        score=np.array([5, 10, 0]),
        answered_at=[T, T, T],
    )
    assert csat(table).count == 1
    assert nps(table).nps == 0.0


# --- bad input --------------------------------------------------------------------------------


def test_a_score_outside_its_scale_is_an_error_naming_the_record_or_row() -> None:
    with pytest.raises(InvalidRecordError, match=r"SurveyResponse 'r9': 'score'.*1\.\.5.*6"):
        SurveyResponse("csat", 6, T, id="r9")
    with pytest.raises(InvalidRecordError, match=r"'score'.*0\.\.10.*11"):
        SurveyResponse("nps", 11, T)
    with pytest.raises(InvalidDataError, match=r"column 'score', row 2: .*1\.\.5.*\(got 0 "):
        SurveyTable.from_columns(score=[5, 4, 0], answered_at=[T, T, T])
    with pytest.raises(InvalidDataError, match=r"column 'score', row 1: .*0\.\.10.*-1"):
        SurveyTable.from_columns(kind="nps", score=[5, -1], answered_at=[T, T])
    with pytest.raises(InvalidDataError, match=r"column 'score', row 0: .*4\.5"):
        SurveyTable.from_columns(score=[4.5], answered_at=[T])
    with pytest.raises(InvalidDataError, match=r"column 'kind', row 1: .*'ces'"):
        SurveyTable.from_columns(kind=["csat", "ces"], score=[4, 4], answered_at=[T, T])
    with pytest.raises(InvalidDataError, match=r"column 'answered_at', row 0: .*naive"):
        SurveyTable.from_columns(score=[4], answered_at=[datetime(2024, 5, 6)])
    with pytest.raises(InvalidDataError, match=r"column 'score': expected 2 values"):
        SurveyTable.from_columns(score=[4], answered_at=[T, T])


@pytest.mark.parametrize(
    ("columns", "column", "row", "fragment"),
    [
        ({"kind": None}, "kind", None, "'csat' or 'nps'"),
        ({"kind": 5}, "kind", None, "'csat' or 'nps'"),
        ({"score": 4}, "score", None, "a column"),
        ({"score": np.array([[4, 5]])}, "score", None, "shape (1, 2)"),
        ({"score": [4, 1e300]}, "score", 1, "1e+300"),
        ({"score": np.array([4, 2**64 - 1], dtype=np.uint64)}, "score", 1, str(2**64 - 1)),
        ({"score": np.array([True, False])}, "score", 0, "1..5"),
        ({"answered_at": T}, "answered_at", None, "a column"),
        ({"answered_at": [T, datetime(1600, 1, 1, tzinfo=UTC)]}, "answered_at", 1, "1677-09-21"),
        ({"agent_id": [["ana"], None]}, "agent_id", 0, "a str, an int or None"),
        ({"agent_id": [7, "7"]}, "agent_id", 1, "not mixed"),
        ({"conversation_id": [{"c": 1}, None]}, "conversation_id", 0, "a str, an int or None"),
    ],
)
def test_bad_survey_columns_name_column_and_row(
    columns: dict[str, object], column: str, row: int | None, fragment: str
) -> None:
    base: dict[str, object] = {"score": [4, 5], "answered_at": [T, T]}
    base.update(columns)
    with pytest.raises(InvalidDataError) as info:
        SurveyTable.from_columns(**base)  # type: ignore[arg-type]
    assert (info.value.column, info.value.row) == (column, row)
    assert fragment in str(info.value)


def test_survey_columns_from_any_iterable() -> None:
    table = SurveyTable.from_columns(
        score=(s for s in [4, 5]),
        answered_at=iter([T, T]),
        agent_id=np.array([np.int64(3), None], dtype=object),
        conversation_id=[np.int64(12), "c2"],
    )
    assert table.agent_names == ("3",)
    assert table.conversation_id.tolist() == ["12", "c2"]


def test_bad_data_arguments_name_the_function() -> None:
    with pytest.raises(InvalidParameterError, match=r"csat\(\): 'data'"):
        csat("5")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"nps\(\): 'data\[1\]' must be a Survey"):
        nps([SurveyResponse("nps", 5, T), 7])  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError, match=r"by\(\): 'key'.*'channel'"):
        csat([]).by("channel")  # type: ignore[call-overload]


# --- properties -------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=0, max_value=10), max_size=60))
def test_nps_shares_sum_to_one_and_nps_stays_in_range(scores: list[int]) -> None:
    result = nps(SurveyTable.from_columns(kind="nps", score=scores, answered_at=[T] * len(scores)))
    assert result.promoters + result.passives + result.detractors == len(scores)
    if scores:
        shares = (result.promoter_share, result.passive_share, result.detractor_share)
        assert all(s is not None and 0.0 <= s <= 1.0 for s in shares)
        assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
        assert result.nps is not None
        assert -100.0 <= result.nps <= 100.0
        promoters = sum(s >= 9 for s in scores)
        detractors = sum(s <= 6 for s in scores)
        assert result.nps == pytest.approx(
            100 * promoters / len(scores) - 100 * detractors / len(scores)
        )
    else:
        assert result.nps is None


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=60))
def test_csat_shares_and_follow_up_partition_the_responses(scores: list[int]) -> None:
    result = csat(csat_responses(*scores))
    assert result.satisfied + len(result.follow_up) == len(scores)
    assert sum(result.distribution().values()) == len(scores)
    if scores:
        assert result.csat is not None
        assert 0.0 <= result.csat <= 1.0
        assert result.average == pytest.approx(sum(scores) / len(scores))
        assert 1.0 <= result.average <= 5.0


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5), st.integers(0, 400 * 86_400), st.sampled_from(["a", "b", None])
        ),
        max_size=40,
    )
)
def test_months_and_agents_partition_the_responses(rows: list[tuple[int, int, str | None]]) -> None:
    base = int(T.timestamp()) * 1_000_000_000
    table = SurveyTable.from_columns(
        score=[s for s, _, _ in rows],
        answered_at=np.array([base + t * 1_000_000_000 for _, t, _ in rows], dtype=np.int64),
        agent_id=[a for _, _, a in rows],
    )
    result = csat(table)
    for groups in (result.by("month"), result.by("agent"), result.by("week", tz="Europe/Berlin")):
        assert sum(g.count for g in groups.values()) == result.count
        assert sum(g.satisfied for g in groups.values()) == result.satisfied
