"""The clerk records a meeting's attendance, with an apology, a substitute and a
declaration of interest, prints the minutes and sees them there."""

import re
from datetime import date

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS
from committees import services
from committees.models import Attendance, Committee, CommitteeMembership, Declaration
from tests.committees.factories import at
from tests.conftest import OrganisationFactory, ProviderFactory

PASSWORD = "a-long-test-password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_clerk_records_attendance_and_a_declaration_and_prints_the_minutes(
    page, login, screenshot, pick, django_user_model
):
    clerk = django_user_model.objects.create_user("tom", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    bromley = OrganisationFactory(name="London Borough of Bromley")
    pds = services.committee_create(
        council=bromley, name="Adult Care and Health PDS Committee", kind=Committee.Kind.PDS
    )
    ProviderFactory(name="Hestia Housing and Support")
    members = [
        ("Councillor Ann Chair", "chair"),
        ("Councillor Ben Vice", "vice_chair"),
        ("Councillor Cai Member", "member"),
        ("Councillor Dee Member", "member"),
        ("Councillor Eve Substitute", None),
    ]
    for name, role in members:
        member = services.member_create(council=bromley, name=name)
        if role:
            services.membership_add(member=member, committee=pds, role=role, from_date=date(2022, 5, 6))
    meeting = services.meeting_create(
        committee=pds, starts_at=at(date(2022, 11, 15)), venue="Bromley Civic Centre", status="held"
    )
    services.agenda_item_add(
        meeting=meeting, number="9", title="Contract Monitoring Report: Mental Health Flexible Support Service"
    )

    login("tom", PASSWORD)
    page.goto(meeting.get_absolute_url())
    # Nothing recorded yet: the meeting page's attendance card offers the clerk to record it.
    expect(page.locator("#attendance-card")).to_contain_text("Attendance has not been recorded.")
    page.locator("#attendance-card").get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", name="Attendance", exact=True)).to_be_visible()

    for name in ("Councillor Ann Chair", "Councillor Ben Vice", "Councillor Dee Member"):
        page.get_by_role("radiogroup", name=name).get_by_label("Present").check()
    page.get_by_role("radiogroup", name="Councillor Cai Member").get_by_label("Apologies").check()
    page.locator("#id_substitute_1").select_option(label="Councillor Eve Substitute")
    page.locator("#id_substitute_1_for").select_option(label="Councillor Cai Member")
    page.get_by_label("Officers present").fill(
        "Integrated Strategic Commissioning Officer\nDirector of Adult Social Care"
    )
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    quorum = page.locator("#quorum")
    expect(quorum).to_contain_text("Quorate")
    expect(quorum).to_contain_text("4 voting members present (substitutes included) against a quorum of 3")
    expect(quorum).to_contain_text("Councillor Cai Member (Councillor Eve Substitute substituting)")

    page.get_by_text("Add a declaration").click()
    form = page.locator("form[action$='/declarations/']")
    form.get_by_label("Agenda item").select_option(
        label="9. Contract Monitoring Report: Mental Health Flexible Support Service"
    )
    form.get_by_label("Member").select_option(label="Councillor Dee Member")
    form.get_by_label("Kind of interest").select_option(label="Non-registrable interest")
    form.get_by_label("Description").fill("A relative is supported by the provider")
    pick(form, "Provider", "Hestia", "Hestia Housing and Support")
    form.get_by_label("Left the room for the item").check()
    form.get_by_role("button", name="Add declaration").click()
    expect(page.get_by_text("Declaration by Councillor Dee Member on item 9 added.")).to_be_visible()
    expect(page.locator("#declarations + .card")).to_contain_text("Hestia Housing and Support")

    assert Attendance.objects.filter(meeting=meeting).count() == 5
    declaration = Declaration.objects.get()
    assert (declaration.member.name, declaration.provider.name, declaration.left_room) == (
        "Councillor Dee Member",
        "Hestia Housing and Support",
        True,
    )
    screenshot(page, "attendance-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "attendance-390")
    page.set_viewport_size(DESKTOP)

    # The meeting page shows the attendance in brief, beside the statutory clock.
    page.get_by_role("link", name="Back to the meeting").click()
    card = page.locator("#attendance-card")
    expect(card).to_contain_text("Quorate (4 of quorum 3)")
    expect(card).to_contain_text(
        "Councillor Ann Chair, Councillor Ben Vice, Councillor Dee Member, "
        "Councillor Eve Substitute (substitute for Councillor Cai Member)"
    )
    expect(card).to_contain_text("Councillor Cai Member (substitute: Councillor Eve Substitute)")
    expect(card).to_contain_text("Director of Adult Social Care")
    card.get_by_role("link", name="1 declaration").click()
    expect(page.get_by_role("heading", name="Attendance", exact=True)).to_be_visible()
    page.go_back()
    screenshot(page, "meeting-attendance-card-desktop")
    page.set_viewport_size(PHONE)
    expect(card).to_be_visible()
    screenshot(page, "meeting-attendance-card-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Printable minutes").first.click()
    expect(page).to_have_title(re.compile("^Minutes: "))
    minutes = page.locator("article.minutes")
    expect(minutes).to_contain_text("Minutes of the meeting held on Tuesday 15 November 2022")
    expect(minutes.locator("#attendance")).to_contain_text(
        "Councillor Ann Chair, Councillor Ben Vice, Councillor Dee Member"
    )
    expect(minutes.locator("#attendance")).to_contain_text("Councillor Eve Substitute (for Councillor Cai Member)")
    expect(minutes.locator("#attendance")).to_contain_text("Director of Adult Social Care")
    expect(minutes.locator("#declarations")).to_contain_text(
        "Item 9: Councillor Dee Member declared a non-registrable interest concerning Hestia Housing and Support: "
        "A relative is supported by the provider. They left the room for the item."
    )
    expect(minutes.locator("#quorum")).to_have_text("Quorum: 3. The meeting was quorate.")
    expect(minutes.locator("#signature")).to_contain_text("Signed")
    expect(minutes.locator("#signature")).to_contain_text("Chair")
    screenshot(page, "minutes-attendance-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "minutes-attendance-390")
    page.set_viewport_size(DESKTOP)

    # The member who sent apologies: their record over the year to the meeting.
    page.goto("/committees/members/")
    page.get_by_role("link", name="Councillor Cai Member").click()
    page.locator("#period-from").fill("2022-01-01")
    page.locator("#period-to").fill("2022-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#attendance-summary")).to_contain_text("attended 0 of 1 meeting expected (0.0%); apologies 1")
    screenshot(page, "member-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "member-390")
    page.set_viewport_size(DESKTOP)

    # The clerk ends Cai's membership: not before the meeting Cai sent apologies to.
    membership = CommitteeMembership.objects.get(member__name="Councillor Cai Member")
    row = page.locator(f"#membership-{membership.pk}-end")
    row.get_by_text("End the membership of Adult Care and Health PDS Committee").click()
    row.get_by_label("Last day on the committee").fill("2022-10-31")
    row.get_by_role("button", name="End membership").click()
    expect(page.locator("#form-errors")).to_contain_text("The end of the membership was not saved.")
    expect(page.locator("#form-errors")).to_contain_text(
        "Councillor Cai Member is recorded at the meeting of 15 Nov 2022, after this day."
    )
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date is None
    screenshot(page, "member-end-refused-desktop")
    row.get_by_label("Last day on the committee").fill("2023-05-17")
    row.get_by_role("button", name="End membership").click()
    expect(page.get_by_text("membership of Adult Care and Health PDS Committee ended on 17 May 2023.")).to_be_visible()
    expect(page.locator(f"#membership-{membership.pk}")).to_contain_text("17 May 2023")
    expect(row).to_have_count(0)
    assert CommitteeMembership.objects.get(pk=membership.pk).to_date == date(2023, 5, 17)
    screenshot(page, "member-ended-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "member-ended-390")
