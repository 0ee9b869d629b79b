"""KPIs and their assessments (issue 12, part 1): the statutory rating scale, the
latest rating as on a day, the contract page's Performance section, and the
pages that set a KPI and record an assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.core.versioning import StaleEdit
from contracts import performance, services
from contracts.models import Contract, Kpi, KpiAssessment
from contracts.selectors import contract_kpis
from tests.conftest import ContractFactory

pytestmark = pytest.mark.django_db


def _contract(**overrides) -> Contract:
    values = dict(reference="LBB-SAH-2024", title="Support at home", start_date=date(2024, 10, 1))
    values.update(overrides)
    return ContractFactory(**values)


def _kpi(contract: Contract, name: str = "Visits on time", **overrides) -> Kpi:
    values = dict(
        contract=contract,
        name=name,
        measure="Share of planned visits that start within 15 minutes of the time agreed.",
        target="95%",
        frequency=Kpi.Frequency.QUARTERLY,
        evidence_source="Electronic call monitoring",
    )
    values.update(overrides)
    return services.kpi_create(**values)


def _assess(kpi: Kpi, start: date, end: date, rating: str, assessed_on: date, **extra) -> KpiAssessment:
    return services.kpi_assessment_record(
        kpi=kpi, period_start=start, period_end=end, rating=rating, assessed_on=assessed_on, today=assessed_on, **extra
    )


# --- the scale and the rules (pure) ------------------------------------------------------------


def test_the_rating_scale_is_the_statutory_one_in_its_order():
    assert [label for _, label in KpiAssessment.Rating.choices] == [
        "Good",
        "Approaching target",
        "Requires improvement",
        "Inadequate",
        "Other",
    ]


@dataclass(frozen=True)
class _A:
    period_start: date
    period_end: date
    assessed_on: date
    rating: str


def test_an_assessment_is_not_a_fact_before_the_day_it_was_made():
    q1 = _A(date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 15), performance.GOOD)
    q2 = _A(date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 20), performance.INADEQUATE)
    assessments = [q2, q1]
    assert performance.latest_on(assessments, date(2026, 7, 14)) is None
    assert performance.latest_on(assessments, date(2026, 7, 15)) is q1
    assert performance.latest_on(assessments, date(2026, 10, 19)) is q1
    assert performance.latest_on(assessments, date(2026, 10, 20)) is q2
    assert performance.known_on(assessments, date(2026, 12, 1)) == [q1, q2]


def test_the_latest_is_the_most_recent_period_not_the_last_one_entered():
    # A late rating of an older quarter does not replace the newer quarter's.
    q2 = _A(date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 5), performance.GOOD)
    q1_late = _A(date(2026, 4, 1), date(2026, 6, 30), date(2026, 11, 1), performance.INADEQUATE)
    assert performance.latest_on([q2, q1_late], date(2026, 11, 2)) is q2


def test_the_chart_puts_good_at_the_top_and_breaks_its_line_at_other():
    ratings = [performance.GOOD, performance.INADEQUATE, performance.OTHER, performance.APPROACHING, performance.GOOD]
    points = [_A(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), r) for r in ratings]
    chart = performance.rating_chart(points, describe=lambda a: a.rating)
    ys = [p.y for p in chart.points]
    assert ys[0] < ys[3] < ys[1]  # Good above Approaching target above Inadequate
    assert ys[2] is None  # Other has no level
    assert [len(line) for line in chart.lines] == [2, 2]  # joined on each side of Other, not across it
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == 72 and xs[-1] == chart.width - 12


# --- services ----------------------------------------------------------------------------------


def test_a_kpi_is_saved_with_its_text_tidied():
    kpi = _kpi(_contract(), name="  Visits   on time ", target=" 95% ")
    kpi.refresh_from_db()
    assert (kpi.name, kpi.target, kpi.frequency) == ("Visits on time", "95%", "quarterly")
    assert kpi.history.count() == 1


def test_a_contract_cannot_have_two_kpis_of_the_same_name():
    contract = _contract()
    _kpi(contract)
    with pytest.raises(ValidationError) as raised:
        _kpi(contract, name="visits ON time")
    assert raised.value.message_dict == {"name": ["This contract already has a KPI called “visits ON time”."]}
    # Another contract may use the name.
    _kpi(_contract(reference="LBB-OTHER"))
    assert Kpi.objects.count() == 2


def test_a_kpi_needs_a_name_a_target_and_a_source():
    with pytest.raises(ValidationError) as raised:
        _kpi(_contract(), name=" ", target="", evidence_source="")
    assert set(raised.value.message_dict) == {"name", "target", "evidence_source"}
    assert not Kpi.objects.exists()


def test_editing_a_kpi_raises_its_version_and_a_stale_form_is_refused():
    kpi = _kpi(_contract())
    fields = dict(
        name="Visits on time",
        measure="Visits started on time.",
        target="97%",
        frequency="monthly",
        evidence_source="ECM",
    )
    saved = services.kpi_update(kpi=kpi, version=1, **fields)
    saved.refresh_from_db()
    assert (saved.version, saved.target, saved.frequency) == (2, "97%", "monthly")
    with pytest.raises(StaleEdit):
        services.kpi_update(kpi=kpi, version=1, **{**fields, "target": "99%"})
    assert Kpi.objects.get().target == "97%"


def test_an_assessment_is_recorded():
    kpi = _kpi(_contract())
    _assess(kpi, date(2026, 4, 1), date(2026, 6, 30), "approaching", date(2026, 7, 10), figures=" 93% ", note="Better.")
    stored = KpiAssessment.objects.get()
    assert (stored.kpi, stored.rating, stored.figures, stored.note) == (kpi, "approaching", "93%", "Better.")
    assert stored.get_rating_display() == "Approaching target"


@pytest.mark.parametrize(
    ("start", "end", "assessed_on", "field", "message"),
    [
        (
            date(2026, 7, 1),
            date(2026, 6, 30),
            date(2026, 7, 10),
            "period_end",
            "The period cannot end before it starts.",
        ),
        (
            date(2026, 4, 1),
            date(2026, 6, 30),
            date(2026, 6, 29),
            "assessed_on",
            "A period is assessed once it has ended: enter a day on or after its last day.",
        ),
    ],
)
def test_an_assessment_with_dates_out_of_order_is_refused(start, end, assessed_on, field, message):
    kpi = _kpi(_contract())
    with pytest.raises(ValidationError) as raised:
        _assess(kpi, start, end, "good", assessed_on)
    assert raised.value.message_dict == {field: [message]}
    assert not KpiAssessment.objects.exists()


def test_a_period_is_rated_once_and_a_rating_off_the_scale_is_refused():
    kpi = _kpi(_contract())
    _assess(kpi, date(2026, 4, 1), date(2026, 6, 30), "good", date(2026, 7, 10))
    with pytest.raises(ValidationError) as raised:
        _assess(kpi, date(2026, 4, 1), date(2026, 6, 30), "inadequate", date(2026, 7, 20))
    assert raised.value.message_dict == {
        "period_start": ["Visits on time already has an assessment for 1 Apr 2026 to 30 Jun 2026."]
    }
    with pytest.raises(ValidationError) as raised:
        _assess(kpi, date(2026, 7, 1), date(2026, 9, 30), "excellent", date(2026, 10, 10))
    assert set(raised.value.message_dict) == {"rating"}
    assert list(KpiAssessment.objects.values_list("rating", flat=True)) == ["good"]


# --- the selector ------------------------------------------------------------------------------


def test_the_latest_rating_of_each_kpi_as_on_a_day():
    contract = _contract()
    visits = _kpi(contract)
    reviews = _kpi(contract, name="Reviews done")
    _assess(visits, date(2026, 4, 1), date(2026, 6, 30), "good", date(2026, 7, 15))
    _assess(visits, date(2026, 7, 1), date(2026, 9, 30), "requires_improvement", date(2026, 10, 20))

    before = {row.kpi.name: row for row in contract_kpis(contract=contract, today=date(2026, 10, 19))}
    assert before["Visits on time"].latest.rating == "good"
    assert before["Visits on time"].later == 1
    assert before["Visits on time"].satisfactory is True
    assert before["Reviews done"].latest is None and before["Reviews done"].chart is None
    assert before["Reviews done"].satisfactory is None

    after = {row.kpi.name: row for row in contract_kpis(contract=contract, today=date(2026, 10, 20))}
    assert after["Visits on time"].latest.rating == "requires_improvement"
    assert after["Visits on time"].later == 0
    assert after["Visits on time"].satisfactory is False
    assert [a.rating for a in after["Visits on time"].assessments] == ["good", "requires_improvement"]
    assert reviews.pk == after["Reviews done"].kpi.pk


# --- the contract page -------------------------------------------------------------------------


def _performance_section(client, contract, day: date | None = None) -> str:
    url = contract.get_absolute_url() + (f"?as_of={day.isoformat()}" if day else "")
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    start = html.index('id="performance"')
    return html[start : html.index('id="decisions"', start)]


def test_a_manager_sees_the_kpis_their_latest_ratings_and_the_chart_but_no_links(client_for, manager):
    contract = _contract()
    kpi = _kpi(contract)
    _assess(kpi, date(2026, 4, 1), date(2026, 6, 30), "good", date(2026, 7, 15), figures="96% on time")
    _assess(kpi, date(2026, 7, 1), date(2026, 9, 30), "inadequate", date(2026, 10, 20))
    client = client_for(manager)

    section = _performance_section(client, contract)
    assert "Visits on time" in section
    assert '<span class="badge kpi-rating text-bg-danger">Inadequate</span>' in section
    assert "Latest: 1 Jul 2026 to 30 Sep 2026, assessed on 20 Oct 2026" in section
    assert "<svg" in section and section.count('class="kpi-point"') == 2
    assert "1 Apr 2026 to 30 Jun 2026: Good" in section  # each point's tooltip
    assert "Add a KPI" not in section and "Record an assessment" not in section
    # Procured under PCR 2015: the Act's duty does not apply, and the page says why.
    assert "Statutory KPI duty:</span> <strong>No</strong>: Procured under the Public Contracts" in section
    assert "not the Procurement Act 2023, so the Act&#x27;s duty does not apply." in section

    # On a day before the second assessment was made, the first is the latest.
    earlier = _performance_section(client, contract, date(2026, 10, 1))
    assert '<span class="badge kpi-rating text-bg-success">Good</span>' in earlier
    assert ": 96% on time" in earlier
    assert "1 assessment made after 1 Oct 2026 not shown." in earlier
    assert earlier.count('class="kpi-point"') == 1


def test_other_is_drawn_as_a_marker_and_the_duty_counts_the_kpis(client_for, officer):
    # Under the Act, an open tender worth £10m: the duty applies, with fewer than 3 KPIs set.
    contract = _contract(
        start_date=date(2025, 10, 1),
        term="5",
        annual_value=Decimal("2000000"),
        route=Contract.Route.OPEN_TENDER,
        legislation=Contract.Legislation.PA_2023,
    )
    kpi = _kpi(contract)
    _assess(kpi, date(2026, 1, 1), date(2026, 3, 31), "other", date(2026, 4, 10), note="Data not supplied.")
    section = _performance_section(client_for(officer), contract)
    assert "Statutory KPI duty:</span> <strong>Yes</strong>" in section
    assert "1 of at least 3 KPIs set" in section
    assert section.count('class="kpi-point-other"') == 1 and 'class="kpi-point"' not in section
    assert '<span class="badge kpi-rating text-bg-secondary">Other</span>' in section


def test_an_officer_gets_the_links(client_for, officer):
    contract = _contract()
    kpi = _kpi(contract)
    section = _performance_section(client_for(officer), contract)
    assert reverse("contracts:kpi_create", args=[contract.pk]) in section
    assert reverse("contracts:kpi_assessment_create", args=[kpi.pk]) in section
    assert reverse("contracts:kpi_update", args=[kpi.pk]) in section
    assert "Not yet assessed" in section


def test_a_contract_without_kpis_says_so(client_for, manager):
    section = _performance_section(client_for(manager), _contract())
    assert "No KPIs recorded for this contract." in section


def _page_queries(client, contract) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(contract.get_absolute_url()).status_code == HTTPStatus.OK
    return len(queries)


def test_the_page_reads_the_same_number_of_queries_however_many_kpis_and_assessments(client_for, manager):
    client = client_for(manager)
    one = _contract(reference="ONE")
    _assess(_kpi(one), date(2026, 4, 1), date(2026, 6, 30), "good", date(2026, 7, 1))
    many = _contract(reference="MANY")
    for n in range(3):
        kpi = _kpi(many, name=f"KPI {n}")
        for quarter in range(4):
            start = date(2025, 1 + 3 * quarter, 1)
            end = date(2025, 3 + 3 * quarter, 28)
            _assess(kpi, start, end, "good", end)
    _page_queries(client, one)  # warm up (sessions, reference data)
    assert _page_queries(client, many) == _page_queries(client, one)


# --- the pages that write ------------------------------------------------------------------------


KPI_POST = {
    "name": "Reviews on time",
    "measure": "Care reviews held by their due date.",
    "target": "90%",
    "frequency": "six_monthly",
    "evidence_source": "Case management system",
}


def test_an_officer_adds_a_kpi(client_for, officer):
    contract = _contract()
    client = client_for(officer)
    url = reverse("contracts:kpi_create", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK and 'name="form_token"' in page.content.decode()
    response = client.post(url, KPI_POST)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == contract.get_absolute_url() + "#performance"
    kpi = Kpi.objects.get()
    assert (kpi.contract, kpi.name, kpi.target, kpi.frequency, kpi.evidence_source) == (
        contract,
        "Reviews on time",
        "90%",
        "six_monthly",
        "Case management system",
    )


def test_a_kpi_form_with_problems_says_what_they_are(client_for, officer):
    contract = _contract()
    _kpi(contract, name="Reviews on time")
    client = client_for(officer)
    url = reverse("contracts:kpi_create", args=[contract.pk])
    response = client.post(url, {**KPI_POST, "frequency": "fortnightly"})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "The KPI was not saved." in html and "Select a valid choice" in html
    response = client.post(url, KPI_POST)
    assert response.status_code == HTTPStatus.OK
    assert "This contract already has a KPI called “Reviews on time”." in response.content.decode()
    assert Kpi.objects.count() == 1


def test_an_officer_edits_a_kpi(client_for, officer):
    kpi = _kpi(_contract())
    client = client_for(officer)
    url = reverse("contracts:kpi_update", args=[kpi.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url, {**KPI_POST, "version": "1"})
    assert response.status_code == HTTPStatus.FOUND
    kpi.refresh_from_db()
    assert (kpi.name, kpi.frequency, kpi.version) == ("Reviews on time", "six_monthly", 2)


ASSESSMENT_POST = {
    "period_start": "2026-07-01",
    "period_end": "2026-09-30",
    "rating": "requires_improvement",
    "figures": "88% on time",
    "note": "Staffing gaps in the south of the borough.",
    "assessed_on": "2026-10-20",
}


def test_an_officer_records_an_assessment_and_sees_it_on_the_contract_page(client_for, officer):
    contract = _contract()
    kpi = _kpi(contract)
    client = client_for(officer)
    url = reverse("contracts:kpi_assessment_create", args=[kpi.pk])
    page = client.get(url).content.decode()
    assert 'value="2026-11-22"' in page  # assessed today unless said otherwise
    response = client.post(url, ASSESSMENT_POST, follow=True)
    assert response.redirect_chain[-1][0] == contract.get_absolute_url() + "#performance"
    assert "Visits on time: Requires improvement recorded for 1 Jul 2026 to 30 Sep 2026." in response.content.decode()
    stored = KpiAssessment.objects.get()
    assert (stored.kpi, stored.period_start, stored.period_end, stored.rating, stored.figures, stored.assessed_on) == (
        kpi,
        date(2026, 7, 1),
        date(2026, 9, 30),
        "requires_improvement",
        "88% on time",
        date(2026, 10, 20),
    )
    assert '<span class="badge kpi-rating text-bg-warning">Requires improvement</span>' in _performance_section(
        client, contract
    )
    # The contract's history names it.
    html = client.get(contract.get_absolute_url()).content.decode()
    assert "KPI assessment for 1 Jul 2026 to 30 Sep 2026" in html[html.index('id="history"') :]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_end": "2026-06-30"}, "The period cannot end before it starts."),
        ({"assessed_on": "2026-09-29"}, "A period is assessed once it has ended"),
        ({"period_start": "31/02/2026"}, "Enter a valid date."),
        ({"assessed_on": "2026-11-23"}, "An assessment cannot be dated after today (22 Nov 2026)"),
        ({"period_start": "1066-10-14"}, "Enter a date"),
        ({"rating": ""}, "This field is required."),
        ({"rating": "excellent"}, "Select a valid choice."),
    ],
)
def test_an_assessment_with_bad_input_is_not_recorded_and_the_page_says_why(client_for, officer, changes, message):
    kpi = _kpi(_contract())
    response = client_for(officer).post(
        reverse("contracts:kpi_assessment_create", args=[kpi.pk]), {**ASSESSMENT_POST, **changes}
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "The assessment was not recorded." in html
    assert message in html
    assert not KpiAssessment.objects.exists()


def test_a_manager_may_not_record_an_assessment(client_for, manager):
    kpi = _kpi(_contract())
    response = client_for(manager).post(reverse("contracts:kpi_assessment_create", args=[kpi.pk]), ASSESSMENT_POST)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not KpiAssessment.objects.exists()
