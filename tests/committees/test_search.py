"""Search over the committee record.

Every expectation here holds on SQLite and on PostgreSQL alike: the suite runs
on SQLite by default and on PostgreSQL with DATABASE_URL set, and the same
table of queries and results is checked on both.
"""

from datetime import datetime
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from commissioning import urls as root_urls
from committees import search_views, services
from committees.demo import load_committees_demo
from committees.models import Committee, Report
from committees.search import query_words, search, snippet
from contracts.demo import load_register_demo
from contracts.models import Organisation
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


# A urlconf with the search page, for the view tests, until committees/urls.py has it.
def _placeholder(request, pk):
    return HttpResponse()


try:
    from committees.urls import urlpatterns as _committee_pages
except ImportError:
    _committee_pages = [
        path("<int:pk>/", _placeholder, name="committee_detail"),
        path("meetings/<int:pk>/", _placeholder, name="meeting_detail"),
        path("reports/<int:pk>/", _placeholder, name="report_detail"),
        path("officer-decisions/<int:pk>/", _placeholder, name="officer_decision_detail"),
    ]
_committee_pages = [page for page in _committee_pages if getattr(page, "name", None) != "search"]
urlpatterns = [
    *(pattern for pattern in root_urls.urlpatterns if getattr(pattern, "namespace", None) != "committees"),
    path(
        "committees/",
        include(([*_committee_pages, path("search/", search_views.search_page, name="search")], "committees")),
    ),
]
with_search_page = pytest.mark.urls(__name__)


@pytest.fixture
def demo():
    load_register_demo(today=TODAY)
    load_committees_demo(today=TODAY)


def found(results) -> dict[str, list]:
    """What a search found, in order, by what a clerk would recognise."""
    return {
        "reports": [hit.report.reference for hit in results.reports],
        "items": [(hit.item.meeting.date.isoformat(), hit.item.number) for hit in results.items],
        "parts": [
            (hit.part.item.meeting.date.isoformat(), hit.part.item.number, hit.part.number) for hit in results.parts
        ],
    }


PDS_2022 = "2022-11-15"
EXECUTIVE_2022 = "2022-11-30"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "waiver",
            {
                "reports": [],
                "items": [("2017-03-28", "1")],
                "parts": [("2017-03-28", "1", "1"), ("2017-03-28", "1", "2"), ("2017-03-21", "79", "1")],
            },
        ),
        (
            "extension",
            {
                "reports": ["CS17121"],
                "items": [(PDS_2022, "8"), (PDS_2022, "9"), ("2017-03-28", "1"), ("2017-03-21", "79")],
                "parts": [(EXECUTIVE_2022, "12", "ii"), (PDS_2022, "8", "ii"), ("2019-02-19", "7", "4")],
            },
        ),
        (
            "ACH22-035",
            {
                "reports": ["ACH22-035"],
                "items": [(EXECUTIVE_2022, "12"), (PDS_2022, "8"), ("2022-06-29", "10")],
                "parts": [],
            },
        ),
        # Every word must be there, but not side by side: "Home Support" matches too.
        (
            "support@home",
            {
                "reports": ["ACH22-035", 'Document "D"'],
                "items": [
                    (EXECUTIVE_2022, "12"),
                    (PDS_2022, "8"),
                    ("2022-06-29", "10"),
                    ("2019-02-19", "7"),
                    ("2018-03-08", "5"),
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
        ("Healthwatch", {"reports": [], "items": [(PDS_2022, "9")], "parts": []}),
        ("ask lion", {"reports": [], "items": [("2019-02-19", "7")], "parts": []}),
        # Words are matched from their start: "monitor" finds "monitoring", "ealth" finds nothing,
        # and "extend" is not the start of "extension".
        ("monitor hestia", {"reports": [], "items": [(PDS_2022, "9")], "parts": [(PDS_2022, "9", "1")]}),
        ("performance indicators extend", {"reports": [], "items": [], "parts": []}),
        ("ealth", {"reports": [], "items": [], "parts": []}),
        ('Document "D"', {"reports": ['Document "D"'], "items": [("2018-03-08", "5")], "parts": []}),
        ("CS17121", {"reports": ["CS17121"], "items": [("2017-03-28", "1"), ("2017-03-21", "79")], "parts": []}),
        # "23.4m" is the words 23, 4 and m.
        ("23.4m", {"reports": [], "items": [], "parts": [(EXECUTIVE_2022, "12", "i"), (PDS_2022, "8", "i")]}),
        ("£5,988,073", {"reports": [], "items": [], "parts": [("2019-02-19", "7", "1")]}),
        # Numbers are words too: 4, 7 and 1 anywhere, not only "4.7.1".
        ("4.7.1", {"reports": [], "items": [(PDS_2022, "8"), ("2019-02-19", "7"), ("2018-03-08", "5")], "parts": []}),
        # The start of a reference finds its reports, and the minutes that quote them.
        (
            "ACH22-0",
            {
                "reports": ["ACH22-035", "ACH22-044", "ACH22-018"],
                "items": [(EXECUTIVE_2022, "12"), (PDS_2022, "8"), (PDS_2022, "9"), ("2022-06-29", "10")],
                "parts": [],
            },
        ),
        ("foo's & bar", {"reports": [], "items": [], "parts": []}),
    ],
)
def test_it_finds_the_same_records_on_every_database(demo, query, expected):
    assert found(search(query=query)) == expected


def test_a_word_found_only_in_the_minutes_is_shown_in_a_snippet(demo):
    results = search(query="healthwatch")

    (hit,) = results.items
    assert hit.item.report.reference == "ACH22-044"
    assert ("Healthwatch", True) in hit.minutes
    assert hit.minutes[0] == ("…", False)
    assert hit.minutes[-1] == (" …", False)


@pytest.mark.parametrize(
    "query",
    [
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
    ],
)
def test_punctuation_and_odd_input_never_break_it(demo, query):
    search(query=query)


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
    ],
)
def test_a_word_matches_where_a_word_starts_the_same_way_on_every_database(text, query, matches):
    council = Organisation.objects.create(name="Test Council")
    committee = services.committee_create(council=council, name="Cabinet", kind=Committee.Kind.EXECUTIVE)
    meeting = services.meeting_create(
        committee=committee, starts_at=timezone.make_aware(datetime(2024, 1, 10, 19)), status="held"
    )
    item = services.agenda_item_add(meeting=meeting, number="1", title="Item", minutes=text)

    assert [hit.item for hit in search(query=query).items] == ([item] if matches else [])


def test_an_empty_query_finds_nothing_without_asking_the_database(demo, django_assert_num_queries):
    with django_assert_num_queries(0):
        results = search(query="   ")
    assert not results
    assert results.count == 0


def test_the_query_count_does_not_grow_with_the_results(demo, django_assert_num_queries):
    # Reports, the items that considered them, agenda items, resolution parts.
    with django_assert_num_queries(4):
        results = search(query="support home")
        for hit in results.reports:
            _ = [(meeting.committee.name, meeting.date) for meeting in hit.meetings]
            _ = hit.report.council.name
        for hit in results.items:
            _ = hit.item.meeting.committee.council.name, hit.item.report.reference
        for hit in results.parts:
            _ = hit.part.item.meeting.committee.council.name, hit.part.item.title, hit.part.recommended_to
    assert len(results.reports) == 2 and len(results.items) == 5 and len(results.parts) == 4


def test_it_keeps_to_the_limit_and_says_so(demo):
    results = search(query="support home", limit=2)

    assert found(results)["items"] == [(EXECUTIVE_2022, "12"), (PDS_2022, "8")]
    assert len(results.parts) == 2
    assert results.truncated
    assert not search(query="support home", limit=5).truncated


def test_reports_come_newest_meeting_first_and_unheard_ones_last(demo):
    services.report_create(
        council=Organisation.objects.get(name="London Borough of Bromley"),
        reference="ACH22-099",
        title="Not yet on an agenda",
    )

    assert found(search(query="ACH22"))["reports"] == ["ACH22-035", "ACH22-044", "ACH22-018", "ACH22-099"]


def test_query_words_split_on_anything_but_letters_and_digits():
    words = ("ach", "22", "035", "support", "home", "23", "4", "m")
    assert query_words("ACH22-035 support@home Support £23.4m") == words
    assert query_words('Document "D"') == ("document", "d")
    assert query_words("&& ' *") == ()


def test_a_snippet_marks_the_words_that_start_with_a_query_word():
    assert snippet("Approve the extension period(s) in 2024; extend", ("extens", "period", "20")) == (
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

    pieces = snippet(text, ("period",), length=240)

    assert "".join(text for text, _ in pieces) == text
    assert pieces[-2] == ("period", True)


def test_a_snippet_of_a_long_text_is_cut_around_the_first_match():
    text = " ".join(["filler"] * 100) + " the Hestia contract " + " ".join(["more"] * 100)

    pieces = snippet(text, ("hestia",), length=80)

    assert pieces[0] == ("…", False)
    assert ("Hestia", True) in pieces
    assert pieces[-1] == (" …", False)
    assert len("".join(text for text, _ in pieces)) <= 80 + 3


# --- the page -------------------------------------------------------------------------


@with_search_page
def test_it_requires_login(client):
    response = client.get("/committees/search/?q=waiver")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


@with_search_page
def test_it_requires_permission_to_view_reports(client_for, nobody):
    response = client_for(nobody).get("/committees/search/?q=waiver")

    assert response.status_code == HTTPStatus.FORBIDDEN


@with_search_page
@pytest.mark.parametrize("role", ["clerk", "officer", "manager"])
def test_every_role_may_search(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get("/committees/search/")

    assert response.status_code == HTTPStatus.OK
    assert b'name="q"' in response.content


@with_search_page
def test_it_shows_results_grouped_with_links_and_marked_words(demo, client_for, clerk):
    response = client_for(clerk).get("/committees/search/", {"q": "ACH22-035"})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    report = Report.objects.get(reference="ACH22-035")
    results = response.context["results"]
    assert found(results)["reports"] == ["ACH22-035"]
    assert f'href="{report.get_absolute_url()}"' in page
    for hit in results.items:
        assert f'href="{hit.item.meeting.get_absolute_url()}#item-{hit.item.pk}"' in page
    assert "<mark>ACH</mark><mark>22</mark>-<mark>035</mark>" in page
    assert "Agenda items and minutes" in page
    assert "<title>“ACH22-035” · Search decisions and reports" in page


@with_search_page
def test_resolution_results_link_to_the_part_on_the_meeting_page(demo, client_for, clerk):
    response = client_for(clerk).get("/committees/search/", {"q": "performance indicators"})

    page = response.content.decode()
    parts = response.context["results"].parts
    assert len(parts) == 2
    for hit in parts:
        assert f'href="{hit.part.item.meeting.get_absolute_url()}#part-{hit.part.pk}"' in page
    assert "Key decision" in page


@with_search_page
def test_it_says_when_nothing_matches_and_escapes_the_query(demo, client_for, clerk):
    response = client_for(clerk).get("/committees/search/", {"q": "<b>zebra</b>"})

    page = response.content.decode()
    assert "Nothing matches" in page
    assert "&lt;b&gt;zebra&lt;/b&gt;" in page
    assert "<b>zebra</b>" not in page


@with_search_page
def test_without_a_query_it_shows_only_the_form(demo, client_for, clerk):
    response = client_for(clerk).get("/committees/search/")

    assert response.context["results"] is None
    assert "Nothing matches" not in response.content.decode()
