"""Which KPI assessments a contract performance notice (UK9) publishes: the first
notice due on or after the last day of the assessed period (`performance.notice_for`),
shown on the contract page and the notices list.

TODAY is 22 Nov 2026. The open tender below runs 1 Jun 2025 to 31 May 2028 at £2m a
year, so it has the KPI duty: its first notice was due on 1 Jun 2026, published on
10 Jun 2026, and the next is due 12 months later, on 10 Jun 2027.
"""

import json
from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from contracts import performance, services
from contracts.models import Contract, Kpi, KpiAssessment
from contracts.performance import KpiRating, NoticeContents, notice_contents, notice_for
from contracts.selectors import notices_due
from tests.conftest import ContractFactory
from tests.contracts.test_exports import _validate_package

pytestmark = pytest.mark.django_db

FIRST_DUE = date(2026, 6, 1)
NEXT_DUE = date(2027, 6, 10)


# --- the rule (pure) ---------------------------------------------------------------------------

DUE_DAYS = [date(2027, 6, 10), date(2026, 6, 1)]  # in any order


@pytest.mark.parametrize(
    ("period_end", "notice"),
    [
        (date(2026, 6, 1), date(2026, 6, 1)),  # ending on the day a notice is due: in that notice
        (date(2026, 6, 2), date(2027, 6, 10)),  # a day later: in the next
        (date(2025, 9, 30), date(2026, 6, 1)),  # before the first: in the first
        (date(2027, 6, 10), date(2027, 6, 10)),
        (date(2027, 6, 11), None),  # after the last: for the notice after it, not yet known
    ],
)
def test_an_assessment_is_in_the_first_notice_due_on_or_after_its_period_ends(period_end, notice):
    assert notice_for(period_end, DUE_DAYS) == notice


def test_a_contract_with_no_notices_has_none_for_any_assessment():
    assert notice_for(date(2026, 6, 1), []) is None


@given(
    due_days=st.lists(st.dates(date(2025, 1, 1), date(2035, 1, 1)), min_size=1, max_size=6, unique=True),
    period_end=st.dates(date(2024, 1, 1), date(2036, 1, 1)),
)
def test_each_assessment_up_to_the_last_notice_is_in_exactly_the_notice_whose_span_holds_its_end(due_days, period_end):
    notice = notice_for(period_end, due_days)
    if period_end > max(due_days):
        assert notice is None
        return
    earlier = [day for day in due_days if day < notice]
    assert notice in due_days
    assert (max(earlier) if earlier else date.min) < period_end <= notice


def test_a_notice_publishes_the_ratings_it_covers_and_names_the_kpis_without_one():
    assessments = [
        KpiRating("Visits on time", date(2025, 9, 30), performance.GOOD),
        KpiRating("Visits on time", date(2026, 3, 31), performance.REQUIRES_IMPROVEMENT),
        KpiRating("Reviews held", date(2026, 6, 1), performance.GOOD),
        KpiRating("Visits on time", date(2026, 6, 30), performance.GOOD),
        KpiRating("Visits on time", date(2027, 6, 30), performance.INADEQUATE),  # after the last: in none
    ]
    contents = notice_contents(DUE_DAYS, assessments, ["Reviews held", "Visits on time"])
    assert contents[date(2026, 6, 1)] == NoticeContents(
        ratings=(performance.GOOD, performance.REQUIRES_IMPROVEMENT, performance.GOOD), unassessed=()
    )
    assert contents[date(2026, 6, 1)].summary == "3 assessments: 2 Good, 1 Requires improvement"
    assert contents[date(2027, 6, 10)].summary == "1 assessment: 1 Good"
    assert contents[date(2027, 6, 10)].unassessed == ("Reviews held",)


def test_the_summary_follows_the_scale_and_says_when_there_is_none():
    ratings = (performance.OTHER, performance.INADEQUATE, performance.GOOD, performance.APPROACHING)
    assert NoticeContents(ratings=ratings, unassessed=()).summary == (
        "4 assessments: 1 Good, 1 Approaching target, 1 Inadequate, 1 Other"
    )
    assert NoticeContents(ratings=(), unassessed=("A",)).summary == "No assessments"


# --- the pages ---------------------------------------------------------------------------------


def _owing(reference="ACT-KPI") -> Contract:
    return ContractFactory(
        reference=reference,
        route=Contract.Route.OPEN_TENDER,
        start_date=date(2025, 6, 1),
        term="3",
        annual_value=Decimal("2000000"),
    )


def _kpi(contract: Contract, name: str) -> Kpi:
    return services.kpi_create(
        contract=contract,
        name=name,
        measure="Counted from the provider's return.",
        target="95%",
        frequency=Kpi.Frequency.QUARTERLY,
        evidence_source="Monthly return",
    )


def _assess(kpi: Kpi, start: date, end: date, rating: str, assessed_on: date) -> KpiAssessment:
    return services.kpi_assessment_record(
        kpi=kpi, period_start=start, period_end=end, rating=rating, assessed_on=assessed_on, today=assessed_on
    )


def _publish(contract: Contract, published_on: date, identifier: str):
    return services.notice_publish(
        kind="performance", contract=contract, published_on=published_on, identifier=identifier, today=published_on
    )


@pytest.fixture
def assessed():
    """The contract, its two KPIs and four assessments, and its first notice published."""
    contract = _owing()
    visits = _kpi(contract, "Visits on time")
    reviews = _kpi(contract, "Reviews held")
    found = {
        "before the first": _assess(visits, date(2025, 7, 1), date(2025, 9, 30), "good", date(2025, 10, 10)),
        "within the first": _assess(
            visits, date(2026, 1, 1), date(2026, 3, 31), "requires_improvement", date(2026, 4, 10)
        ),
        "on the first's day": _assess(reviews, date(2025, 12, 1), FIRST_DUE, "good", date(2026, 6, 5)),
        "after the first": _assess(visits, date(2026, 4, 1), date(2026, 6, 30), "good", date(2026, 7, 10)),
    }
    _publish(contract, date(2026, 6, 10), "2026/S 000-000123")
    return contract, visits, found


def _published_in(page: str, assessment: KpiAssessment) -> str:
    start = page.index(f'data-assessment="{assessment.pk}"')
    start = page.index("data-published-in>", start) + len("data-published-in>")
    return page[start : page.index("</div>", start)]


def test_each_assessment_on_the_contract_page_names_the_notice_that_publishes_it(client_for, manager, assessed):
    contract, _, found = assessed
    page = client_for(manager).get(contract.get_absolute_url()).content.decode()
    published = "Published in the performance notice of 10 Jun 2026 (2026/S 000-000123)"
    assert _published_in(page, found["before the first"]) == published
    assert _published_in(page, found["within the first"]) == published
    assert _published_in(page, found["on the first's day"]) == published
    assert _published_in(page, found["after the first"]) == "For the performance notice due 10 Jun 2027"


def test_an_assessment_after_the_next_notice_is_for_the_one_after_it(client_for, manager, assessed):
    contract, visits, _ = assessed
    later = _assess(visits, date(2027, 4, 1), date(2027, 6, 30), "inadequate", date(2027, 7, 5))
    page = client_for(manager).get(contract.get_absolute_url() + "?as_of=2027-07-15").content.decode()
    assert _published_in(page, later) == "For the performance notice after the one due 10 Jun 2027"


def test_each_performance_notice_on_the_contract_page_says_what_it_publishes_and_warns(client_for, manager, assessed):
    contract, _, _ = assessed
    page = client_for(manager).get(contract.get_absolute_url()).content.decode()
    section = page[page.index('id="procurement-performance-notice"') :]
    section = section[: section.index("</dd>")]
    assert (
        '<div class="small" data-notice-publishes="2026-06-01">3 assessments: 2 Good, 1 Requires improvement</div>'
        in section
    )
    assert '<div class="small" data-notice-publishes="2027-06-10">1 assessment: 1 Good</div>' in section
    # The next notice, still to publish, has nothing yet from "Reviews held"; the published one is not warned of.
    assert section.count("data-unassessed") == 1
    assert "No assessment of 'Reviews held' for this notice" in section
    assert section.index("No assessment of") > section.index('data-notice-publishes="2027-06-10"')


def test_the_warning_goes_once_each_kpi_is_assessed_for_the_notice(client_for, manager, assessed):
    contract, _, _ = assessed
    reviews = Kpi.objects.get(contract=contract, name="Reviews held")
    _assess(reviews, date(2026, 6, 2), date(2026, 11, 30), "approaching", date(2026, 11, 30))
    page = client_for(manager).get(contract.get_absolute_url() + "?as_of=2026-12-01").content.decode()
    assert "data-unassessed" not in page
    assert "2 assessments: 1 Good, 1 Approaching target" in page


def test_the_notices_list_row_says_what_each_publishes_and_warns(client_for, manager, assessed):
    page = client_for(manager).get(reverse("contracts:notice_list")).content.decode()
    rows = {row.due: row for row in notices_due(today=date(2026, 11, 22), publishes=True) if row.kind == "performance"}
    assert rows[FIRST_DUE].contents.summary == "3 assessments: 2 Good, 1 Requires improvement"
    assert rows[FIRST_DUE].unassessed == ()  # published: nothing to warn of
    assert rows[NEXT_DUE].unassessed == ("Reviews held",)
    assert "3 assessments: 2 Good, 1 Requires improvement" in page
    assert "1 assessment: 1 Good" in page
    assert page.count("No assessment of 'Reviews held' for this notice") == 1


def test_an_assessment_not_yet_made_on_the_day_is_not_counted(assessed):
    rows = {row.due: row for row in notices_due(today=date(2026, 7, 1), publishes=True) if row.kind == "performance"}
    # On 1 Jul 2026 the Apr-Jun assessment (made 10 Jul) is not yet a fact.
    assert rows[NEXT_DUE].contents.summary == "No assessments"
    assert rows[NEXT_DUE].unassessed == ("Reviews held", "Visits on time")


def test_without_asking_the_list_reads_no_kpis(assessed):
    assert all(row.contents is None for row in notices_due(today=date(2026, 11, 22)))


def test_the_published_notice_s_ocds_document_says_what_it_publishes(client_for, manager, assessed):
    contract, _, _ = assessed
    _publish(contract, date(2026, 11, 22), "2026/S 000-000456")  # the next, early: due 10 Jun 2027
    response = client_for(manager).get(reverse("contracts:contract_export_as", args=["ocds_notices"]))
    package = json.loads(response.content)
    _validate_package(package)  # OCDS 1.1.5 has no field for a rating: they are in the document's words
    described = [
        release["contracts"][0]["implementation"]["documents"][0]["description"] for release in package["releases"]
    ]
    assert described == [
        "The KPIs' assessment, due by 2026-06-01. 3 assessments: 2 Good, 1 Requires improvement.",
        "The KPIs' assessment, due by 2027-06-10. 1 assessment: 1 Good.",
    ]


def test_the_notices_download_reads_the_same_queries_for_one_contract_as_for_ten(client_for, manager):
    client = client_for(manager)
    url = reverse("contracts:contract_export_as", args=["ocds_notices"])

    def contract_with_kpis(n):
        contract = _owing(reference=f"ACT-{n}")
        _assess(_kpi(contract, "Visits on time"), date(2026, 1, 1), date(2026, 3, 31), "good", date(2026, 4, 1))
        _publish(contract, date(2026, 6, 10), f"2026/S 000-{n:06d}")

    contract_with_kpis(0)
    _queries(client, url)  # warm up
    one = _queries(client, url)
    for n in range(1, 10):
        contract_with_kpis(n)
    assert _queries(client, url) == one
    assert client.get(url).content.decode().count("1 assessment: 1 Good.") == 10


# --- queries -----------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_the_notices_list_reads_the_same_queries_for_one_contract_as_for_ten(client_for, manager):
    client = client_for(manager)
    url = reverse("contracts:notice_list")

    def contract_with_kpis(n):
        contract = _owing(reference=f"ACT-{n}")
        for name in ("Visits on time", "Reviews held"):
            kpi = _kpi(contract, name)
            _assess(kpi, date(2026, 1, 1), date(2026, 3, 31), "good", date(2026, 4, 1))
        _publish(contract, date(2026, 6, 10), f"2026/S 000-{n:06d}")

    contract_with_kpis(0)
    _queries(client, url)  # warm up (session, reference data)
    one = _queries(client, url)
    for n in range(1, 10):
        contract_with_kpis(n)
    ten = _queries(client, url)
    assert ten == one
    published = client.get(url + "?status=published").content.decode()
    assert published.count("2 assessments: 2 Good") == 10
    due = client.get(url + "?status=due").content.decode()
    assert due.count("No assessments") == 10
    assert due.count("No assessment of 'Visits on time' for this notice") == 10


def test_the_contract_page_reads_the_same_queries_for_one_assessment_as_for_ten(client_for, manager):
    client = client_for(manager)
    one, ten = _owing(reference="ONE"), _owing(reference="TEN")
    _assess(_kpi(one, "Visits on time"), date(2025, 7, 1), date(2025, 7, 31), "good", date(2025, 8, 1))
    visits = _kpi(ten, "Visits on time")
    first = date(2025, 6, 1)
    for month in range(10):
        last = date(first.year + (first.month // 12), first.month % 12 + 1, 1) - timedelta(days=1)
        _assess(visits, first, last, "good" if month % 2 else "approaching", last + timedelta(days=1))
        first = last + timedelta(days=1)
    for contract in (one, ten):
        _publish(contract, date(2026, 6, 10), f"2026/S {contract.reference}")
    _queries(client, one.get_absolute_url())  # warm up
    assert _queries(client, ten.get_absolute_url()) == _queries(client, one.get_absolute_url())
    page = client.get(ten.get_absolute_url()).content.decode()
    assert page.count("Published in the performance notice of 10 Jun 2026 (2026/S TEN)") == 10
    assert "10 assessments: 5 Good, 5 Approaching target" in page
