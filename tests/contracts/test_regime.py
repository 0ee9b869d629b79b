"""The mapping the migration `contracts.0004_legislation_and_route` (and the CSV import of
old files) uses to split the old single regime into legislation and route."""

from datetime import date

import pytest

from contracts.models import Contract
from contracts.regime import OLD_REGIMES, join_regime, split_regime

BEFORE_THE_ACT = date(2025, 2, 23)
FROM_THE_ACT = date(2025, 2, 24)


@pytest.mark.parametrize(
    ("regime", "start", "expected"),
    [
        # Light touch said nothing about the law: the start day decides it.
        ("light_touch", date(2024, 10, 1), ("pcr_2015", "light_touch")),  # support@home
        ("light_touch", BEFORE_THE_ACT, ("pcr_2015", "light_touch")),
        ("light_touch", FROM_THE_ACT, ("pa_2023", "light_touch")),
        ("pcr_2015", FROM_THE_ACT, ("pcr_2015", "open_tender")),
        ("pa_2023", BEFORE_THE_ACT, ("pa_2023", "open_tender")),
        ("psr", date(2024, 6, 1), ("psr", "direct_award")),
        # Below threshold keeps a law: both PCR 2015 and the Act put duties on such contracts.
        ("below_threshold", BEFORE_THE_ACT, ("pcr_2015", "below_threshold")),
        ("below_threshold", FROM_THE_ACT, ("pa_2023", "below_threshold")),
        ("waiver", date(2017, 10, 1), ("none", "waiver")),  # Heritage Care
        ("waiver", FROM_THE_ACT, ("none", "waiver")),
    ],
)
def test_split_regime_maps_each_old_value(regime, start, expected):
    assert split_regime(regime, start_date=start) == expected


def test_a_project_without_a_start_leaves_the_law_to_its_procurement_start():
    assert split_regime("light_touch", start_date=None) == ("", "light_touch")
    assert split_regime("below_threshold", start_date=None) == ("", "below_threshold")
    assert split_regime("psr", start_date=None) == ("psr", "direct_award")


def test_every_split_is_a_valid_choice_and_joins_back():
    for regime in OLD_REGIMES:
        for start in (BEFORE_THE_ACT, FROM_THE_ACT):
            legislation, route = split_regime(regime, start_date=start)
            assert legislation in Contract.Legislation.values
            assert route in Contract.Route.values
            assert join_regime(legislation, route) == regime


def test_an_unknown_old_value_is_refused():
    with pytest.raises(ValueError, match='"pcr" is not one of light_touch, pcr_2015'):
        split_regime("pcr", start_date=FROM_THE_ACT)
