"""Exempt information (Schedule 12A to the Local Government Act 1972): an
agenda item, a report or a report's file marked exempt shows its text to
committee clerks only, and never in a print; managers and officers see the
notice with its paragraph and public interest test. Also: a resolution part
acting on several contracts, and the next item and part numbers offered."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees import services
from committees.models import AgendaItem, ContractLink, ReportFile, ResolutionPart
from tests.committees.factories import (
    AgendaItemFactory,
    MeetingFactory,
    ReportFactory,
    ResolutionPartFactory,
    at,
)
from tests.conftest import ContractFactory

pytestmark = pytest.mark.django_db

SECRET = "Quoted hourly rate forty-two pounds zanzibar"
REASON = "Disclosure would prejudice the council's negotiations with the provider."
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def meeting():
    return MeetingFactory(starts_at=at(date(2022, 11, 30)))


@pytest.fixture
def exempt_item(meeting):
    return AgendaItemFactory(
        meeting=meeting,
        number="9",
        title="Support at home: the tender prices",
        minutes=SECRET,
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason=REASON,
    )


def _html(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "reason", "field"),
    [("", REASON, "exempt_paragraph"), ("8", REASON, "exempt_paragraph"), ("3", "  ", "exempt_reason")],
)
def test_an_exempt_item_needs_a_paragraph_from_1_to_7_and_the_public_interest_test(meeting, paragraph, reason, field):
    with pytest.raises(ValidationError) as raised:
        services.agenda_item_add(
            meeting=meeting,
            number="1",
            title="Prices",
            is_exempt=True,
            exempt_paragraph=paragraph,
            exempt_reason=reason,
        )
    assert field in raised.value.error_dict
    assert not AgendaItem.objects.exists()


def test_an_item_no_longer_exempt_keeps_no_paragraph_or_reason(exempt_item):
    services.agenda_item_update(
        item=exempt_item, number="9", title=exempt_item.title, report=None, minutes=SECRET, is_exempt=False,
        exempt_paragraph="3", exempt_reason=REASON,
    )  # fmt: skip
    exempt_item.refresh_from_db()
    assert (exempt_item.is_exempt, exempt_item.exempt_paragraph, exempt_item.exempt_reason) == (False, "", "")


def test_the_item_form_refuses_an_exemption_without_its_reason(client_for, clerk, meeting):
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {"number": "4", "title": "Prices", "minutes": SECRET, "is_exempt": "on", "exempt_paragraph": "3"},
    )
    assert "Say why the public interest in keeping it exempt outweighs" in _html(response)
    assert not AgendaItem.objects.exists()


def test_the_clerk_marks_an_item_exempt(client_for, clerk, meeting):
    response = client_for(clerk).post(
        reverse("committees:item_create", args=[meeting.pk]),
        {
            "number": "4",
            "title": "Prices",
            "minutes": SECRET,
            "is_exempt": "on",
            "exempt_paragraph": "3",
            "exempt_reason": REASON,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    item = AgendaItem.objects.get()
    assert (item.is_exempt, item.exempt_paragraph, item.exempt_reason, item.minutes) == (True, "3", REASON, SECRET)


# --- where exempt text could show --------------------------------------------------------------


def test_the_meeting_page_shows_a_manager_the_notice_and_the_clerk_the_text(client_for, clerk, manager, exempt_item):
    url = exempt_item.meeting.get_absolute_url()
    managers = _html(client_for(manager).get(url))
    assert SECRET not in managers
    assert "Exempt information: paragraph 3 of Schedule 12A" in managers
    assert REASON.replace("'", "&#x27;") in managers
    clerks = _html(client_for(clerk).get(url))
    assert SECRET in clerks
    assert "Shown to you as a committee clerk" in clerks


@pytest.mark.django_db(transaction=True)
def test_the_kept_agenda_of_a_clerk_is_never_shown_to_a_manager(client_for, clerk, manager, officer, register_cache):
    """With the agenda kept as written (committing tests keep it, as production does)."""
    assert register_cache
    item = AgendaItemFactory(
        meeting=MeetingFactory(), minutes=SECRET, is_exempt=True, exempt_paragraph="1", exempt_reason=REASON
    )
    url = item.meeting.get_absolute_url()
    assert SECRET in _html(client_for(clerk).get(url))
    for user in (manager, officer):
        assert SECRET not in _html(client_for(user).get(url))
    assert SECRET in _html(client_for(clerk).get(url))


def test_the_printed_minutes_never_show_exempt_text(client_for, clerk, manager, exempt_item):
    url = reverse("committees:meeting_minutes", args=[exempt_item.meeting_id])
    for user in (manager, clerk):
        page = _html(client_for(user).get(url))
        assert SECRET not in page
        assert "Exempt information: paragraph 3 of Schedule 12A" in page
        assert "SUPPORT AT HOME: THE TENDER PRICES" in page


def test_search_never_finds_exempt_text(client_for, clerk, manager, exempt_item):
    for user in (manager, clerk):
        client = client_for(user)
        response = client.get(reverse("search"), {"q": "zanzibar"})
        assert SECRET not in _html(response)
        assert response.context["results"].count == 0
        # The item is still found by its title.
        found = client.get(reverse("search"), {"q": "tender prices"})
        assert found.context["results"].count == 1 and SECRET not in _html(found)


def test_the_history_withholds_exempt_minutes_from_a_manager(client_for, clerk, manager, exempt_item):
    services.agenda_item_update(
        item=exempt_item, number="9", title=exempt_item.title, report=None, minutes=f"{SECRET} revised",
        is_exempt=True, exempt_paragraph="3", exempt_reason=REASON,
    )  # fmt: skip
    url = exempt_item.meeting.get_absolute_url() + "?history=all"
    managers = _html(client_for(manager).get(url))
    assert "zanzibar" not in managers
    assert "exempt information, not shown" in managers
    assert f"{SECRET} revised" in _html(client_for(clerk).get(url))


# --- reports and their files --------------------------------------------------------------------


def _file(report, name="appendix.pdf", **exemption) -> ReportFile:
    return services.report_file_add(report=report, title=name, file=SimpleUploadedFile(name, PDF), **exemption)


def test_an_exempt_appendix_is_downloaded_by_the_clerk_only(client_for, clerk, manager, officer):
    report = ReportFactory()
    public = _file(report, "Report.pdf")
    appendix = _file(report, "Appendix 2 prices.pdf", is_exempt=True, exempt_paragraph="3", exempt_reason=REASON)
    download = reverse("committees:report_file_download", args=[appendix.pk])
    for user in (manager, officer):
        client = client_for(user)
        assert client.get(download).status_code == HTTPStatus.FORBIDDEN
        assert client.get(reverse("committees:report_file_download", args=[public.pk])).status_code == HTTPStatus.OK
        page = _html(client.get(report.get_absolute_url()))
        assert download not in page
        assert "Appendix 2 prices.pdf" in page and "committee clerks only" in page
        assert "Exempt information: paragraph 3 of Schedule 12A" in page
    clerks = client_for(clerk)
    assert clerks.get(download).status_code == HTTPStatus.OK
    assert download in _html(clerks.get(report.get_absolute_url()))


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("anonymous", HTTPStatus.FOUND),  # to the sign-in page
        ("nobody", HTTPStatus.NOT_FOUND),
        ("officer", HTTPStatus.FORBIDDEN),
        ("manager", HTTPStatus.FORBIDDEN),
        ("clerk", HTTPStatus.OK),
        ("superuser", HTTPStatus.OK),
    ],
)
def test_who_downloads_an_exempt_file(request, client, django_user_model, user, expected):
    report_file = _file(ReportFactory(), is_exempt=True, exempt_paragraph="1", exempt_reason=REASON)
    if user == "superuser":
        client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    elif user != "anonymous":
        client.force_login(request.getfixturevalue(user))
    response = client.get(reverse("committees:report_file_download", args=[report_file.pk]))
    assert response.status_code == expected
    if expected == HTTPStatus.FOUND:
        assert "/accounts/login/" in response.url or "login" in response.url


def test_every_file_of_an_exempt_report_is_the_clerks(client_for, clerk, manager):
    report = ReportFactory(is_exempt=True, exempt_paragraph="5", exempt_reason=REASON)
    report_file = _file(report)
    download = reverse("committees:report_file_download", args=[report_file.pk])
    assert client_for(manager).get(download).status_code == HTTPStatus.FORBIDDEN
    page = _html(client_for(manager).get(report.get_absolute_url()))
    assert download not in page and "paragraph 5 of Schedule 12A" in page
    assert client_for(clerk).get(download).status_code == HTTPStatus.OK


def test_the_clerk_uploads_an_exempt_appendix(client_for, clerk):
    report = ReportFactory()
    url = reverse("committees:report_file_create", args=[report.pk])
    data = {"title": "Prices", "is_exempt": "on", "exempt_paragraph": "3", "exempt_reason": REASON}
    refused = client_for(clerk).post(url, {**data, "exempt_reason": "", "file": SimpleUploadedFile("p.pdf", PDF)})
    assert "Say why the public interest" in _html(refused)
    assert not ReportFile.objects.exists()
    response = client_for(clerk).post(url, {**data, "file": SimpleUploadedFile("p.pdf", PDF)})
    assert response.status_code == HTTPStatus.FOUND
    saved = ReportFile.objects.get()
    assert (saved.is_exempt, saved.exempt_paragraph, saved.exempt_reason) == (True, "3", REASON)


def test_a_report_needs_its_public_interest_test_when_exempt():
    with pytest.raises(ValidationError) as raised:
        ReportFactory(is_exempt=True, exempt_paragraph="3")
    assert "exempt_reason" in raised.value.error_dict


# --- several contracts on one part; the next numbers --------------------------------------------


def test_a_part_acts_on_several_contracts_one_link_each(client_for, clerk, meeting):
    item = AgendaItemFactory(meeting=meeting, number="7")
    first, second = ContractFactory(reference="LBB-A"), ContractFactory(reference="LBB-B")
    prefix = f"part-{item.pk}"
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        {
            f"{prefix}-number": "i",
            f"{prefix}-kind": "approve",
            f"{prefix}-text": "Exercise the first option of both contracts.",
            f"{prefix}-contract": "LBB-A, LBB-B",
            f"{prefix}-effect": "exercise_option",
            f"{prefix}-option_order": "1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    part = ResolutionPart.objects.get(item=item)
    links = part.contract_links.order_by("contract__reference")
    assert [(link.contract, link.effect, link.option.contract, link.option.order) for link in links] == [
        (first, ContractLink.Effect.EXERCISE_OPTION, first, 1),
        (second, ContractLink.Effect.EXERCISE_OPTION, second, 1),
    ]


def test_an_option_missing_on_one_of_the_contracts_refuses_the_part(client_for, clerk, meeting):
    item = AgendaItemFactory(meeting=meeting, number="7")
    ContractFactory(reference="LBB-A")
    ContractFactory(reference="LBB-B", term="5")
    prefix = f"part-{item.pk}"
    response = client_for(clerk).post(
        reverse("committees:part_create", args=[meeting.pk, item.pk]),
        {
            f"{prefix}-number": "i",
            f"{prefix}-kind": "approve",
            f"{prefix}-text": "Exercise.",
            f"{prefix}-contract": "LBB-A, LBB-B",
            f"{prefix}-effect": "exercise_option",
            f"{prefix}-option_order": "1",
        },
    )
    assert "LBB-B has no option 1." in _html(response)
    assert not ResolutionPart.objects.exists() and not ContractLink.objects.exists()


def test_the_forms_offer_the_next_item_and_part_numbers(client_for, clerk, meeting):
    AgendaItemFactory(meeting=meeting, number="5")
    item = AgendaItemFactory(meeting=meeting, number="5a")
    ResolutionPartFactory(item=item, number="i")
    ResolutionPartFactory(item=item, number="ii")
    response = client_for(clerk).get(meeting.get_absolute_url(), {"open": f"add-part-{item.pk}"})
    assert response.context["item_form"].initial["number"] == "5b"
    panel = next(panel for panel in response.context["panels"] if panel.item == item)
    assert panel.part_form.initial["number"] == "iii"
    html = _html(response)
    assert 'value="5b"' in html and 'value="iii"' in html


def test_only_clerks_read_exempt_information(officer, clerk, manager, nobody):
    assert [user.has_perm("committees.read_exempt_report") for user in (officer, clerk, manager, nobody)] == [
        False,
        True,
        False,
        False,
    ]
