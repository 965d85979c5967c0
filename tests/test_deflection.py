"""Call deflection: ratio, social share and savings from contact counts per channel kind."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcare_metrics import (
    ASSISTED_CONTACT_COST,
    SOCIAL_CONTACT_COST,
    DeflectionResult,
    InvalidDataError,
    InvalidParameterError,
    call_deflection,
)


def test_1000_social_contacts_at_12_and_1_dollars_save_11000() -> None:
    # Source: seed 004 (Chinese article): a call-centre interaction can cost up to $12, a social
    # one less than $1. 1,000 social contacts x ($12 - $1) = $11,000.
    assert (ASSISTED_CONTACT_COST, SOCIAL_CONTACT_COST) == (12.0, 1.0)
    report = call_deflection({"social": 1000})
    assert report.savings == 11_000.0
    assert DeflectionResult(phone=0, email=0, social=1000).savings == 11_000.0


def test_ratio_and_share_from_a_mapping() -> None:
    report = call_deflection({"phone": 300, "email": 200, "social": 1500})
    assert report.ratio == 3.0  # 1500 / (300 + 200)
    assert report.social_share == 0.75  # 1500 / 2000
    assert report.count == 2000
    assert report.total.to_dict()["savings"] == 16_500.0


def test_costs_can_be_changed() -> None:
    report = call_deflection({"social": 10}, assisted_cost=8, social_cost=0.5)
    assert report.savings == 75.0


def test_rows_per_period_add_up_and_are_sorted() -> None:
    rows = [
        ("social", "2024-06", 50),
        ("phone", "2024-05", 40),
        ("Social", "2024-05", 60),
        ("email", "2024-05", 10),
        ("social", "2024-05", 20),
    ]
    report = call_deflection(rows)
    assert list(report.periods) == ["2024-05", "2024-06"]
    may = report.periods["2024-05"]
    assert (may.phone, may.email, may.social) == (40, 10, 80)
    assert may.ratio == 80 / 50
    june = report.periods["2024-06"]
    assert june.ratio is None  # no phone or email contact that month: undefined
    assert june.social_share == 1.0
    assert (report.total.social, report.total.count) == (130, 180)
    assert report.to_dict()["periods"]["2024-06"]["social"] == 50


def test_dates_as_periods_and_rows_without_period() -> None:
    report = call_deflection([("phone", date(2024, 5, 2), 1), ("phone", date(2024, 5, 1), 1)])
    assert list(report.periods) == [date(2024, 5, 1), date(2024, 5, 2)]
    assert call_deflection([("phone", 4), ("social", 4)]).social_share == 0.5
    assert call_deflection([("phone", 4)]).periods == {}


def test_over_nothing_ratios_are_none_and_savings_zero() -> None:
    report = call_deflection({})
    assert (report.count, report.ratio, report.social_share, report.savings) == (0, None, None, 0)
    assert "n/a" in str(report.total)


def test_unknown_kinds_negative_counts_and_bad_rows_name_the_row() -> None:
    with pytest.raises(InvalidDataError, match=r"column 'channel', row 1: .*'fax'"):
        call_deflection({"phone": 1, "fax": 2})
    with pytest.raises(InvalidDataError, match=r"column 'channel', row 0: .*'twitter'"):
        call_deflection([("twitter", "2024-05", 3)])
    with pytest.raises(InvalidDataError, match=r"column 'count', row 0: .*non-negative.*-5"):
        call_deflection({"social": -5})
    with pytest.raises(InvalidDataError, match=r"column 'count', row 1: .*2\.5"):
        call_deflection([("phone", 1), ("email", 2.5)])  # type: ignore[list-item]
    with pytest.raises(InvalidDataError, match=r"column 'count'.*True"):
        call_deflection({"phone": True})
    with pytest.raises(InvalidDataError, match=r"row 0: expected a \(kind, count\)"):
        call_deflection([("phone",)])  # type: ignore[list-item]
    with pytest.raises(InvalidDataError, match=r"column 'period', row 0"):
        call_deflection([("phone", ["2024"], 1)])  # type: ignore[list-item]


def test_bad_costs_and_contacts_name_the_parameter() -> None:
    with pytest.raises(InvalidParameterError, match=r"call_deflection\(\): 'assisted_cost'"):
        call_deflection({}, assisted_cost=-1)
    with pytest.raises(InvalidParameterError, match=r"'social_cost'.*nan"):
        call_deflection({}, social_cost=float("nan"))
    with pytest.raises(InvalidParameterError, match=r"'contacts'"):
        call_deflection("phone")  # type: ignore[arg-type]


counts = st.integers(min_value=0, max_value=10**6)


@given(counts, counts, counts)
def test_shares_sum_to_one_and_savings_follow_the_formula(
    phone: int, email: int, social: int
) -> None:
    report = call_deflection({"phone": phone, "email": email, "social": social})
    total = phone + email + social
    if total:
        assert report.social_share is not None
        others = (phone + email) / total
        assert report.social_share + others == pytest.approx(1.0)
        assert 0.0 <= report.social_share <= 1.0
    else:
        assert report.social_share is None
    assert report.savings == pytest.approx(social * 11.0)
    if phone + email:
        assert report.ratio == social / (phone + email)


@given(
    st.lists(st.tuples(st.sampled_from(["phone", "email", "social"]), st.integers(0, 5), counts))
)
def test_periods_sum_to_the_total(rows: list[tuple[str, int, int]]) -> None:
    report = call_deflection(rows)
    for kind in ("phone", "email", "social"):
        assert sum(getattr(r, kind) for r in report.periods.values()) == getattr(report.total, kind)
