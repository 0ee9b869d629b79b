"""Exempt information in a real browser: the clerk marks an item's minutes
exempt under paragraph 3 of Schedule 12A and still reads them; the manager
sees the notice and the public interest test in their place, and an exempt
appendix without its link. Screenshots at desktop width and at 390px."""

from datetime import date

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS, MANAGERS
from committees import services
from tests.committees.factories import AgendaItemFactory, MeetingFactory, ReportFactory, at

PASSWORD = "a-long-test-password"
SECRET = "The lowest hourly rate tendered was £21.40, by Provider B."
REASON = "Disclosing the prices tendered would prejudice the council's position in the negotiations."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _user(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_clerk_marks_minutes_exempt_and_the_manager_sees_only_the_notice(
    page, login, screenshot, django_user_model
):
    _user(django_user_model, "clerk", CLERKS)
    _user(django_user_model, "manager", MANAGERS)
    meeting = MeetingFactory(starts_at=at(date(2026, 11, 18)))
    report = ReportFactory(council=meeting.committee.council, reference="ACH26-051", title="Support at home: award")
    services.report_file_add(report=report, title="Report", file=SimpleUploadedFile("report.pdf", b"%PDF-1.7 x"))
    services.report_file_add(
        report=report,
        title="Appendix 2: prices tendered",
        file=SimpleUploadedFile("prices.pdf", b"%PDF-1.7 y"),
        is_exempt=True,
        exempt_paragraph="3",
        exempt_reason=REASON,
    )
    item = AgendaItemFactory(meeting=meeting, number="79", title="Support at home: award", report=report, minutes="")

    login("clerk", PASSWORD)
    page.goto(meeting.get_absolute_url())
    # The next item's number is offered.
    assert page.locator("#add-item input[name=number]").input_value() == "80"
    card = page.locator(f"#item-{item.pk}")
    card.get_by_role("link", name="Edit item and minutes").click()
    form = page.locator(f"#edit-item-{item.pk} form")
    form.get_by_label("Minutes").fill(SECRET)
    form.get_by_label("Exempt information").check()
    form.get_by_label("Paragraph of Schedule 12A").select_option("3")
    form.get_by_label("Public interest test").fill(REASON)
    form.get_by_role("button", name="Save item").click()
    expect(page.locator(".alert-success")).to_contain_text("Item 79 saved.")
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator("[data-exempt-notice]")).to_contain_text("Exempt information: paragraph 3 of Schedule 12A")
    expect(card).to_contain_text(SECRET)
    screenshot(page, "exempt-meeting-clerk")
    page.set_viewport_size(PHONE)
    screenshot(page, "exempt-meeting-clerk-390")
    page.set_viewport_size(DESKTOP)

    page.context.clear_cookies()
    login("manager", PASSWORD)
    page.goto(meeting.get_absolute_url())
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator("[data-exempt-notice]")).to_contain_text(REASON)
    assert SECRET not in page.content()
    screenshot(page, "exempt-meeting-manager")
    page.set_viewport_size(PHONE)
    screenshot(page, "exempt-meeting-manager-390")
    page.set_viewport_size(DESKTOP)

    page.goto(report.get_absolute_url())
    files = page.locator("#files")
    expect(files.get_by_role("link", name="Report")).to_be_visible()
    expect(files.get_by_role("link", name="Appendix 2: prices tendered")).to_have_count(0)
    expect(files).to_contain_text("committee clerks only")
    screenshot(page, "exempt-report-manager")
    page.set_viewport_size(PHONE)
    screenshot(page, "exempt-report-manager-390")

    page.goto(f"/committees/meetings/{meeting.pk}/minutes/")
    expect(page.locator("article.minutes")).to_contain_text("Exempt information: paragraph 3 of Schedule 12A")
    assert SECRET not in page.content()
