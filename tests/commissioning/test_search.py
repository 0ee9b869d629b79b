"""The site's one search (`commissioning.core.search`) and its page.

Every expectation here holds on SQLite and on PostgreSQL alike: the suite runs
on SQLite by default and on PostgreSQL with DATABASE_URL set, and the same
table of queries and results is checked on both.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from commissioning.core import search
from commissioning.core.models import SearchEntry
from commissioning.overview import search_views
from commissioning.projects import services as project_services
from committees import services
from committees.demo import load_committees_demo
from committees.models import AgendaItem, Committee, Report
from contracts import services as contract_services
from contracts.demo import load_register_demo
from contracts.importing import contracts_import
from contracts.models import Organisation
from contracts.register_file import match_headers, read_table
from tests.committees.factories import (
    AgendaItemFactory,
    MeetingFactory,
    OfficerDecisionFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import TODAY, ContractFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_register_demo(today=TODAY)
    load_committees_demo(today=TODAY)


def find(query: str, *, limit: int = 50) -> search.Results:
    return search.search(query=query, kinds=search.kinds(), limit=limit)


_PART = re.compile(r"Item (\S+) \((\S+)\)")


def found(results: search.Results) -> dict[str, list]:
    """What a search found, in order, by what a clerk would recognise; kinds with no match left out."""
    named = {}
    for group in results.groups:
        hits = [hit.entry for hit in group.hits]
        if group.kind.name == "report":
            named["reports"] = [entry.title.split(" · ")[0] for entry in hits]
        elif group.kind.name == "minutes":
            named["items"] = [(entry.date.isoformat(), entry.label.removeprefix("Item ")) for entry in hits]
        elif group.kind.name == "resolution":
            named["parts"] = [(entry.date.isoformat(), *_PART.match(entry.label).groups()) for entry in hits]
        elif group.kind.name in ("contract",):
            named["contracts"] = [entry.title.split(" · ")[0] for entry in hits]
        else:
            named[group.kind.name] = [entry.title for entry in hits]
    return named


PDS_2022 = "2022-11-15"
EXECUTIVE_2022 = "2022-11-30"


QUERIES = [
    (
        "waiver",
        {
            "contracts": ["LBB-MHFS-WAIVER-2017"],
            "items": [("2017-03-28", "1")],
            "parts": [("2017-03-28", "1", "1"), ("2017-03-28", "1", "2"), ("2017-03-21", "79", "1")],
            "officer_decision": ["Chief Officer, in consultation with the Portfolio Holder for Care Services"],
        },
    ),
    (
        "extension",
        {
            "reports": ["CS17121"],
            # Items with the word in their title first, then those with it only in the minutes.
            "items": [("2017-03-28", "1"), ("2017-03-21", "79"), (PDS_2022, "8"), (PDS_2022, "9")],
            "parts": [(EXECUTIVE_2022, "12", "ii"), (PDS_2022, "8", "ii"), ("2019-02-19", "7", "4")],
            "officer_decision": [
                "Provider Performance and Development Manager",
                "Provider Performance and Development Manager",
            ],
        },
    ),
    (
        "ACH22-035",
        {
            "reports": ["ACH22-035"],
            "items": [(EXECUTIVE_2022, "12"), (PDS_2022, "8"), ("2022-06-29", "10")],
        },
    ),
    # Every word must be there, but not side by side: "Home Support" matches too.
    (
        "support@home",
        {
            "contracts": ["LBB-SAH-2024", "CBMDC-HS-2016"],
            "provider": [
                "Awarded provider (support@home)",
                "Bradford home support framework providers (99 CQC-registered)",
            ],
            "reports": ["ACH22-035", 'Document "D"'],
            "items": [
                # The PDS committee's consideration of the call-in of the Executive's decision.
                ("2022-12-13", "4"),
                (EXECUTIVE_2022, "12"),
                (PDS_2022, "8"),
                ("2018-03-08", "5"),
                ("2022-06-29", "10"),
                ("2019-02-19", "7"),
            ],
            "parts": [
                (EXECUTIVE_2022, "12", "i"),
                (PDS_2022, "8", "i"),
                ("2022-06-29", "10", "1"),
                ("2018-03-08", "5", "2"),
            ],
        },
    ),
    ("monitoring report", {"reports": ["ACH22-044"], "items": [(PDS_2022, "9")], "parts": [(PDS_2022, "9", "1")]}),
    # Only in the minutes.
    ("Healthwatch", {"items": [(PDS_2022, "9")]}),
    ("ask lion", {"items": [("2019-02-19", "7")]}),
    # Words are matched from their start: "monitor" finds "monitoring", "ealth" finds nothing,
    # and "extend" is not the start of "extension".
    ("monitor hestia", {"items": [(PDS_2022, "9")], "parts": [(PDS_2022, "9", "1")]}),
    ("performance indicators extend", {}),
    ("ealth", {}),
    ('Document "D"', {"reports": ['Document "D"'], "items": [("2018-03-08", "5")]}),
    ("CS17121", {"reports": ["CS17121"], "items": [("2017-03-28", "1"), ("2017-03-21", "79")]}),
    # "23.4m" is the words 23, 4 and m.
    ("23.4m", {"parts": [(EXECUTIVE_2022, "12", "i"), (PDS_2022, "8", "i")]}),
    ("£5,988,073", {"parts": [("2019-02-19", "7", "1")]}),
    # Numbers are words too: 4, 7 and 1 anywhere, not only "4.7.1".
    ("4.7.1", {"items": [(PDS_2022, "8"), ("2019-02-19", "7"), ("2018-03-08", "5")]}),
    # The start of a reference finds its reports, and the minutes that quote them.
    (
        "ACH22-0",
        {
            "reports": ["ACH22-035", "ACH22-044", "ACH22-018"],
            "items": [(EXECUTIVE_2022, "12"), (PDS_2022, "8"), (PDS_2022, "9"), ("2022-06-29", "10")],
        },
    ),
    ("foo's & bar", {}),
]


def test_it_finds_the_same_records_on_every_database(demo):
    assert {query: found(find(query)) for query, _ in QUERIES} == dict(QUERIES)


def test_counts_are_every_match_and_hits_only_the_first(demo):
    results = find("support home", limit=2)

    minutes = results.group("minutes")
    assert minutes.count == 6
    assert [hit.entry.label for hit in minutes.hits] == ["Item 4", "Item 12"]
    assert minutes.more
    assert results.count == sum(group.count for group in results.groups)
    assert not find("support home", limit=6).group("minutes").more


def test_a_word_found_only_in_the_minutes_is_shown_in_a_snippet(demo):
    (hit,) = find("healthwatch").group("minutes").hits

    assert "report ACH22-044" in hit.entry.detail
    assert ("Healthwatch", True) in hit.text
    assert hit.text[0] == ("…", False)
    assert hit.text[-1] == (" …", False)


ODD_QUERIES = [
    'Document "D"',
    "foo's & bar",
    "a:* | !b",
    "'",
    "&",
    "\\",
    "(ACH22-035",
    "%_",
    "<script>alert(1)</script>",
    "café",
    "ß €",
    "x" * 500,
    " ".join(f"w{n}" for n in range(40)),
]


def test_punctuation_and_odd_input_never_break_it(demo):
    for query in ODD_QUERIES:
        find(query)
        for kind in search.kinds():
            list(search.search_kind(query=query, kind=kind))


@pytest.mark.parametrize(
    ("text", "query", "matches"),
    [
        ("Report ACH22-035", "ach22", True),
        ("Report ACH22-035", "035", True),
        ("Report ACH22-035", "35", False),
        ("Report ACH22-035", "h22", False),
        ("support@home", "home", True),
        ("supporthome", "home", False),
        ("foo_bar", "bar", True),
        ("1e5x units", "x", True),
        ("1e5x units", "e5", True),
        ("0x1F", "f", True),
        ("3.5m a year", "5m", True),
        ("a café", "caf", True),
        ("a café", "é", False),
        ("ÉTUDE", "tude", True),
        ("CAPITALS", "capital", True),
        ("Council’s duties", "council s", True),
        ("percent 100% of it_", "100 of", True),
    ],
)
def test_a_word_matches_where_a_word_starts_the_same_way_on_every_database(text, query, matches):
    council = Organisation.objects.create(name="Test Council")
    committee = services.committee_create(council=council, name="Cabinet", kind=Committee.Kind.EXECUTIVE)
    meeting = services.meeting_create(
        committee=committee, starts_at=timezone.make_aware(datetime(2024, 1, 10, 19)), status="held"
    )
    item = services.agenda_item_add(meeting=meeting, number="1", title="Item", minutes=text)

    results = find(query)
    assert (
        [hit.entry.object_id for hit in results.group("minutes").hits]
        if results
        else [] == ([item.pk] if matches else [])
    )
    assert [entry.object_id for entry in search.search_kind(query=query, kind=results_kind("minutes"))] == (
        [item.pk] if matches else []
    )


def results_kind(name: str) -> search.Kind:
    return next(kind for kind in search.kinds() if kind.name == name)


def test_an_empty_query_finds_nothing_without_asking_the_database(demo, django_assert_num_queries):
    with django_assert_num_queries(0):
        results = find("   ")
        assert not find("&& ' *")
    assert not results
    assert results.count == 0


def test_the_query_count_does_not_grow_with_the_results(demo, django_assert_num_queries):
    for query, matches in [("support home", 16), ("the", 26), ("a", 35), ("support", 34)]:
        # The ranked first entries of each kind with the counts, then those entries.
        with django_assert_num_queries(2):
            results = find(query, limit=3)
            for group in results.groups:
                for hit in group.hits:
                    _ = hit.url, hit.entry.label, hit.entry.detail, hit.title, hit.text
        assert results.count == matches, query
    # Nothing found: no entries to read.
    with django_assert_num_queries(1):
        assert not find("podiatry")


def test_reports_come_newest_meeting_first_and_unheard_ones_last(demo):
    services.report_create(
        council=Organisation.objects.get(name="London Borough of Bromley"),
        reference="ACH22-099",
        title="Not yet on an agenda",
    )

    assert found(find("ACH22"))["reports"] == ["ACH22-035", "ACH22-044", "ACH22-018", "ACH22-099"]


def test_a_title_match_comes_before_a_newer_text_match():
    meeting_old = MeetingFactory(starts_at=at(date(2020, 1, 10)))
    meeting_new = MeetingFactory(starts_at=at(date(2024, 1, 10)))
    in_minutes = AgendaItemFactory(meeting=meeting_new, title="Budget", minutes="About podiatry services.")
    in_title = AgendaItemFactory(meeting=meeting_old, title="Podiatry services", minutes="")

    assert [hit.entry.object_id for hit in find("podiatry").group("minutes").hits] == [in_title.pk, in_minutes.pk]


def test_query_words_split_on_anything_but_letters_and_digits():
    words = ("ach", "22", "035", "support", "home", "23", "4", "m")
    assert search.query_words("ACH22-035 support@home Support £23.4m") == words
    assert search.query_words('Document "D"') == ("document", "d")
    assert search.query_words("&& ' *") == ()
    assert search.stored_words("ACH22-035 ach") == " ach 22 035"


def test_a_snippet_marks_the_words_that_start_with_a_query_word():
    assert search.snippet("Approve the extension period(s) in 2024; extend", ("extens", "period", "20")) == (
        ("Approve the ", False),
        ("extension", True),
        (" ", False),
        ("period", True),
        ("(s) in ", False),
        ("2024", True),
        ("; extend", False),
    )


def test_a_short_text_is_shown_whole_wherever_the_match_is():
    text = (
        "Delegate authority to the Chief Officer in consultation with the Portfolio Holder "
        "to approve the contract extension period(s)."
    )

    pieces = search.snippet(text, ("period",), length=240)

    assert "".join(text for text, _ in pieces) == text
    assert pieces[-2] == ("period", True)


def test_a_snippet_of_a_long_text_is_cut_around_the_first_match():
    text = " ".join(["filler"] * 100) + " the Hestia contract " + " ".join(["more"] * 100)

    pieces = search.snippet(text, ("hestia",), length=80)

    assert pieces[0] == ("…", False)
    assert ("Hestia", True) in pieces
    assert pieces[-1] == (" …", False)
    assert len("".join(text for text, _ in pieces)) <= 80 + 3


# --- the index follows every write ---------------------------------------------------------------


def entry(kind: str, pk: int) -> SearchEntry | None:
    return SearchEntry.objects.filter(kind=kind, object_id=pk).first()


def test_a_contract_is_indexed_when_created_and_updated():
    contract = ContractFactory(reference="LBB-PODIA-1", title="Podiatry clinics")

    stored = entry("contract", contract.pk)
    assert stored.title == "LBB-PODIA-1 · Podiatry clinics"
    assert stored.words.startswith(" lbb podia 1 podiatry clinics ")
    assert stored.url == contract.get_absolute_url()
    assert found(find("podiatry"))["contracts"] == ["LBB-PODIA-1"]

    contract_services.contract_update(
        contract=contract,
        title="Foot health clinics",
        service_area=contract.service_area,
        lead_commissioner=contract.lead_commissioner,
        providers=list(contract.providers.all()),
        start_date=contract.start_date,
        term=contract.term,
        annual_value=contract.annual_value,
        contract_type=contract.contract_type,
        legislation=contract.legislation,
        route=contract.route,
        annual_uplift_percent=contract.annual_uplift_percent,
        approved_value=contract.approved_value,
        description="",
        notes="",
        version=contract.version,
    )

    assert entry("contract", contract.pk).title == "LBB-PODIA-1 · Foot health clinics"
    assert not find("podiatry")
    assert found(find("foot"))["contracts"] == ["LBB-PODIA-1"]
    assert SearchEntry.objects.filter(kind="contract").count() == 1


def test_a_provider_rename_updates_its_entry_and_its_contracts():
    provider = contract_services.provider_create(name="Acme Care Ltd", companies_house_number="1234567")
    assert entry("provider", provider.pk).text == "Companies House number 01234567"
    assert found(find("01234567"))["provider"] == ["Acme Care Ltd"]
    contract = ContractFactory(reference="C-1", providers=[provider])
    assert found(find("acme")) == {"contracts": ["C-1"], "provider": ["Acme Care Ltd"]}

    contract_services.provider_update(
        provider=provider,
        version=provider.version,
        name="Zenith Care Ltd",
        companies_house_number="01234567",
        charity_number="1064342",
        is_sme=True,
        is_vcse=False,
    )

    assert entry("provider", provider.pk).title == "Zenith Care Ltd"
    assert entry("provider", provider.pk).detail == "SME"
    assert entry("contract", contract.pk).text == "Zenith Care Ltd"
    assert not find("acme")
    assert found(find("zenith")) == {"contracts": ["C-1"], "provider": ["Zenith Care Ltd"]}
    assert found(find("1064342")) == {"provider": ["Zenith Care Ltd"]}


def _import(csv: str):
    table = read_table(csv.encode(), filename="register.csv")
    result = contracts_import(
        table=table, mapping=match_headers(table.headers).mapping, as_at=None, value_basis="whole"
    )
    assert result.saved, result.errors


def test_a_register_import_indexes_its_contracts_and_providers():
    header = "reference,title,provider,lead_commissioner,start_date,term,annual_value\r\n"
    _import(header + "IMP-1,Podiatry service,Footcare Ltd,Test Council,2024-04-01,3,1000\r\n")

    assert found(find("footcare")) == {"contracts": ["IMP-1"], "provider": ["Footcare Ltd"]}

    _import(header + "IMP-1,Chiropody service,Footcare Ltd,Test Council,2024-04-01,3,1000\r\n")

    assert found(find("chiropody")) == {"contracts": ["IMP-1"]}
    assert not find("podiatry")


def test_committee_records_are_indexed_as_they_are_written():
    meeting = MeetingFactory(starts_at=at(date(2022, 11, 30)))
    report = ReportFactory(reference="ACH22-777", title="Podiatry review")
    assert entry("report", report.pk).date is None

    item = AgendaItemFactory(meeting=meeting, number="4", title="Podiatry", report=report, minutes="Members asked.")
    part = ResolutionPartFactory(item=item, number="i", text="That the podiatry review be noted.")
    decision = OfficerDecisionFactory(text="Extended the podiatry contract.")

    assert entry("report", report.pk).date == date(2022, 11, 30)
    assert entry("minutes", item.pk).detail.endswith("30 Nov 2022 · report ACH22-777")
    assert entry("resolution", part.pk).label == "Item 4 (i): Podiatry"
    assert entry("officer_decision", decision.pk).url == decision.get_absolute_url()
    assert {group.kind.name: group.count for group in find("podiatry").groups} == {
        "report": 1,
        "minutes": 1,
        "resolution": 1,
        "officer_decision": 1,
    }

    services.agenda_item_update(
        item=item, number="5", title="Foot care", report=None, minutes="Members asked.", version=item.version
    )
    assert entry("resolution", part.pk).label == "Item 5 (i): Foot care"
    assert entry("report", report.pk).date is None
    assert "report" not in entry("minutes", item.pk).detail

    meeting = services.meeting_update(
        meeting=meeting,
        starts_at=at(date(2022, 12, 1)),
        venue="",
        status=meeting.status,
        agenda_published_on=None,
        decisions_published_on=None,
        version=meeting.version,
    )
    assert entry("minutes", item.pk).date == date(2022, 12, 1)
    assert entry("resolution", part.pk).date == date(2022, 12, 1)

    services.report_update(
        report=report,
        version=report.version,
        council=report.council,
        reference="ACH22-778",
        title="Chiropody review",
        kind=report.kind,
        gateway_number=None,
        author="",
        author_role="",
        report_date=None,
        is_exempt=False,
        exempt_paragraph="",
        contracts=[],
    )
    assert entry("report", report.pk).title == "ACH22-778 · Chiropody review"


def test_a_project_is_indexed_when_created_and_updated():
    project = project_services.project_create(
        title="Podiatry re-commissioning", service_area=ServiceAreaFactory(), required_start_date=date(2027, 4, 1)
    )
    assert found(find("podiatry")) == {"project": ["Podiatry re-commissioning"]}

    project_services.project_update(
        project=project,
        title="Foot care re-commissioning",
        service_area=project.service_area,
        status=project.status,
        incumbent_contracts=[],
        successor_contracts=[],
        required_start_date=date(2027, 4, 1),
        lead_officer=None,
        estimated_annual_value=Decimal("1000.00"),
        estimated_term="",
        legislation="",
        route=project.route,
        contract_type=project.contract_type,
        baseline_annual_cost=None,
        baseline_year=None,
        notes="Was podiatry.",
        version=project.version,
    )

    assert entry("project", project.pk).title == "Foot care re-commissioning"
    assert found(find("podiatry")) == {"project": ["Foot care re-commissioning"]}
    assert found(find("foot")) == {"project": ["Foot care re-commissioning"]}


def test_a_deleted_record_loses_its_entry_and_the_check_repairs_a_missing_index():
    report = ReportFactory(reference="R-1", title="Podiatry")
    Report.objects.filter(pk=report.pk).delete()
    search.index_refresh("report", [report.pk])
    assert entry("report", report.pk) is None

    item = AgendaItemFactory(title="Podiatry")
    SearchEntry.objects.all().delete()
    assert not find("podiatry")

    assert "minutes" in search.index_check()
    assert found(find("podiatry"))["items"] == [(item.meeting.date.isoformat(), item.number)]
    assert search.index_check() == []


def test_the_commands_rebuild_and_check_the_index(capsys):
    item = AgendaItemFactory(title="Podiatry")
    SearchEntry.objects.all().delete()

    call_command("rebuild_search_index")

    assert entry("minutes", item.pk) is not None
    assert SearchEntry.objects.count() == 1
    assert "Wrote 1 search entries." in capsys.readouterr().out
    SearchEntry.objects.all().delete()
    call_command("refresh_contracts")
    assert entry("minutes", item.pk) is not None
    assert "Rebuilt the search index of: minutes." in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the stored tsvector is PostgreSQL's")
def test_postgresql_keeps_the_words_of_each_kind_with_indexes():
    AgendaItemFactory(title="Podiatry ACH22", minutes="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind_vector::text FROM core_searchentry")
        (vector,) = cursor.fetchone()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_searchentry' ORDER BY indexname"
        )
        indexes = dict(cursor.fetchall())
    # The item's title is its words and its title words ("Item 1" is a label, not searched).
    assert vector == "'minutes.t.22' 'minutes.t.ach' 'minutes.t.podiatry' 'minutes/22' 'minutes/ach' 'minutes/podiatry'"
    assert "gin (kind_vector)" in indexes["core_searchentry_kind_vector"]
    assert '(kind, date DESC NULLS LAST, "order" COLLATE "C", object_id)' in indexes["core_searchentry_ranking"]


def test_counts_stop_at_the_cap_and_say_so(monkeypatch):
    AgendaItemFactory(title="Chiropody", minutes="podiatry in passing")
    for number in range(4):
        AgendaItemFactory(title=f"Podiatry review {number}", minutes="")
    monkeypatch.setattr(search, "COUNT_CAP", 3)

    (minutes,) = find("podiatry", limit=2).groups

    assert (minutes.count, minutes.capped, minutes.shown, minutes.more) == (3, True, "3+", True)
    # Meetings on one day: the title matches in the items' order.
    assert [hit.entry.title for hit in minutes.hits] == ["Podiatry review 0", "Podiatry review 1"]
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    (minutes,) = find("podiatry", limit=5).groups
    assert (minutes.count, minutes.capped, minutes.shown, minutes.more) == (5, False, "5", False)
    # Title matches first, then the one found only in its minutes, though it comes before them.
    assert minutes.hits[-1].entry.title == "Chiropody"


# --- the page -------------------------------------------------------------------------


def test_it_requires_login(client):
    response = client.get(reverse("search"), {"q": "waiver"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_it_requires_a_role(client_for, nobody):
    response = client_for(nobody).get(reverse("search"), {"q": "waiver"})

    assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("role", ["clerk", "officer", "manager"])
def test_every_role_may_search(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("search"))

    assert response.status_code == HTTPStatus.OK
    assert b'name="q"' in response.content
    assert response.context["results"] is None
    assert 'id="no-query"' in response.content.decode()


def test_the_old_committee_search_sends_you_to_it(client_for, clerk):
    response = client_for(clerk).get("/committees/search/?q=ACH22-035")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/search/?q=ACH22-035"


def test_it_shows_results_grouped_with_counts_links_and_marked_words(demo, client_for, clerk):
    response = client_for(clerk).get(reverse("search"), {"q": "ACH22-035"})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    report = Report.objects.get(reference="ACH22-035")
    results = response.context["results"]
    assert found(results)["reports"] == ["ACH22-035"]
    assert f'href="{report.get_absolute_url()}"' in page
    for item in AgendaItem.objects.filter(pk__in=[hit.entry.object_id for hit in results.group("minutes").hits]):
        assert f'href="{item.meeting.get_absolute_url()}#item-{item.pk}"' in page
    assert "<mark>ACH</mark><mark>22</mark>-<mark>035</mark>" in page
    assert 'Agenda items and minutes <span class="badge text-bg-secondary">3</span>' in page
    assert "<title>“ACH22-035” · Search" in page
    # Every result is shown, so there is nothing more to show.
    assert "Show all" not in page


def test_resolution_results_link_to_the_part_on_the_meeting_page(demo, client_for, officer):
    response = client_for(officer).get(reverse("search"), {"q": "performance indicators"})

    page = response.content.decode()
    parts = response.context["results"].group("resolution").hits
    assert len(parts) == 2
    for hit in parts:
        assert f'href="{hit.url}"' in page
        assert re.fullmatch(r"/committees/meetings/\d+/#part-\d+", hit.url)
    assert "key decision" in page


def test_show_all_pages_through_one_kind(demo, client_for, manager, settings, monkeypatch):
    settings.PAGE_SIZE = 2
    monkeypatch.setattr(search_views, "FIRST", 2)
    client = client_for(manager)
    page = client.get(reverse("search"), {"q": "support home"}).content.decode()
    assert 'href="/search/?q=support%20home&amp;kind=minutes">Show all 6 agenda items and minutes</a>' in page

    first = client.get(reverse("search"), {"q": "support home", "kind": "minutes"})
    third = client.get(reverse("search"), {"q": "support home", "kind": "minutes", "page": "3"})

    assert first.context["results"] is None
    assert [hit.entry.label for hit in first.context["page"].hits] == ["Item 4", "Item 12"]
    assert [hit.entry.label for hit in third.context["page"].hits] == ["Item 10", "Item 7"]
    assert "Showing 1–2 of 6" in first.content.decode()
    assert "kind=minutes&amp;page=2" in first.content.decode()


def test_an_unknown_kind_shows_every_kind(demo, client_for, clerk):
    response = client_for(clerk).get(reverse("search"), {"q": "support home", "kind": "nonsense"})

    assert response.context["kind"] is None
    assert len(response.context["results"].groups) == 5


def test_it_says_when_nothing_matches_and_escapes_the_query(client_for, clerk):
    response = client_for(clerk).get(reverse("search"), {"q": "<b>zebra</b>"})

    page = response.content.decode()
    assert "Nothing matches" in page
    assert "&lt;b&gt;zebra&lt;/b&gt;" in page
    assert "<b>zebra</b>" not in page


def test_it_says_when_a_query_is_cut(client_for, clerk):
    long = client_for(clerk).get(reverse("search"), {"q": "support " * 40})
    many = client_for(clerk).get(reverse("search"), {"q": " ".join(f"w{n}" for n in range(12))})
    short = client_for(clerk).get(reverse("search"), {"q": "support"})

    assert 'id="query-cut"' in long.content.decode()
    assert long.context["query"] == ("support " * 25).strip()
    assert 'id="query-cut"' in many.content.decode()
    assert 'id="query-cut"' not in short.content.decode()


def test_the_header_search_box_is_on_every_page(client_for, officer):
    page = client_for(officer).get(reverse("contracts:contract_list")).content.decode()

    assert '<form class="d-flex me-2 my-2 my-lg-0 header-search" role="search" method="get" action="/search/">' in page


def test_the_page_makes_the_same_queries_for_few_and_many_results(
    demo, client_for, clerk, django_assert_max_num_queries
):
    client = client_for(clerk)
    client.get(reverse("search"), {"q": "podiatry"})
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("search"), {"q": "podiatry"})
    with django_assert_max_num_queries(10) as many:
        client.get(reverse("search"), {"q": "the"})
    assert len(many.captured_queries) == len(few.captured_queries) + 1  # the entries found
