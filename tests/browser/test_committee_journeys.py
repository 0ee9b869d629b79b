"""The clerk's and the officer's journeys through the committee record, in a real browser.

The clerk records a meeting, an item and a two-part resolution and prints the
minutes; the officer follows a contract's decisions back to the resolutions
that authorised them. The demo journeys load the seed cases as they stood on
the suite's fixed today (22 Nov 2026).
"""

import re
from datetime import date

from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS
from committees import services
from committees.models import Action, Committee, Delegation, Meeting, OfficerDecision, ResolutionPart
from contracts.models import Contract
from tests.conftest import ContractFactory, OrganisationFactory, on

PASSWORD = "a-long-test-password"
DEMO_PASSWORD = "commissioning-demo"

SAH_DELEGATION_SCOPE = "approve the contract extension period(s)"
KPI_CONDITION = "on satisfactory achievement of the contract performance indicators"


def _clerk(django_user_model):
    user = django_user_model.objects.create_user("tom", password=PASSWORD, first_name="Tom", last_name="Clarke")
    user.groups.add(Group.objects.get(name=CLERKS))
    return user


def _load_demo():
    call_command("load_demo_data", "--today", "2026-11-22", "--seed-only", verbosity=0)


def _decision_blocks(page):
    """The contract page's Decisions section, one text per decision, in the order shown."""
    # all_inner_texts() does not wait: let the page finish loading so no block is missing.
    page.wait_for_load_state()
    return page.locator("#decisions [id^='decision-link-']").all_inner_texts()


def _index_of(blocks, *needles):
    """The position of the one block that holds every needle."""
    found = [i for i, text in enumerate(blocks) if all(needle in text for needle in needles)]
    assert len(found) == 1, f"{needles} in {len(found)} decision blocks"
    return found[0]


def _open_contract(page, reference):
    page.goto("/contracts/")
    page.get_by_text("Filter contracts").click()
    page.get_by_label("Search", exact=True).fill(reference)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_title(re.compile(f"^{re.escape(reference)} "))


# --- the clerk -----------------------------------------------------------------------------------


def test_clerk_records_a_meeting_and_prints_the_minutes(page, login, screenshot, pick, django_user_model):
    bromley = OrganisationFactory(name="London Borough of Bromley")
    executive = services.committee_create(council=bromley, name="Executive", kind=Committee.Kind.EXECUTIVE)
    contract = ContractFactory(
        reference="LBB-CARERS-2025",
        title="Carers support service",
        lead_commissioner=bromley,
        start_date=date(2025, 4, 1),
        term="3+1+1",
    )
    services.report_create(
        council=bromley,
        reference="ACH26-051",
        title="Carers support service: Gateway 2 contract award",
        kind="gateway",
        gateway_number=2,
        contracts=[contract],
    )
    _clerk(django_user_model)
    login("tom", PASSWORD)

    # The committee page, then a new meeting.
    page.goto("/committees/")
    page.get_by_role("link", name="Executive", exact=True).click()
    expect(page.get_by_role("heading", name="Executive", exact=True)).to_be_visible()
    page.get_by_role("link", name="Add a meeting").first.click()
    page.get_by_label("Date and time").fill("2026-11-18T19:00")
    page.get_by_label("Status").select_option(label="Held")
    page.get_by_label("Venue").fill("Bromley Civic Centre")
    page.get_by_label("Agenda published on").fill("2026-11-09")
    page.get_by_role("button", name="Add meeting").click()

    expect(page.locator(".alert-success")).to_contain_text("Meeting of 18 Nov 2026 added.")
    expect(page.get_by_text("Wednesday 18 November 2026, 19:00 · Bromley Civic Centre")).to_be_visible()
    assert "on time" in page.locator("#clock-agenda").inner_text()
    meeting = Meeting.objects.get(committee=executive)

    # An agenda item with its report and minutes.
    add_item = page.locator("#add-item")
    add_item.get_by_label("Number").fill("14")
    add_item.get_by_label("Title").fill("Carers support service: contract award")
    pick(add_item, "Report", "ACH26-051", "ACH26-051")
    add_item.get_by_label("Minutes").fill(
        "The Executive considered report ACH26-051 on the award of the carers contract."
    )
    add_item.get_by_role("button", name="Add item").click()

    expect(page.locator(".alert-success")).to_contain_text("Item 14 added.")
    item = meeting.items.get()
    card = page.locator(f"#item-{item.pk}")
    expect(card.get_by_role("link", name="Report ACH26-051")).to_be_visible()
    assert "Nothing resolved on this item yet." in card.inner_text()

    # Part i approves.
    card.get_by_role("link", name="+ Add a resolution part").click()
    part_form = card.locator("form[data-part-form]")
    part_form.get_by_label("Number").fill("i")
    part_form.get_by_label("Kind").select_option(label="Approve")
    part_form.get_by_label("Text").fill("Approve the award of the carers support contract to Carers Bromley.")
    part_form.get_by_role("button", name="Add part").click()
    expect(page.locator(".alert-success")).to_contain_text("Part i added to item 14.")

    # Part ii delegates, with an action due before the meeting: refused, nothing saved.
    card = page.locator(f"#item-{item.pk}")
    card.get_by_role("link", name="+ Add a resolution part").click()
    part_form = card.locator("form[data-part-form]")
    part_form.get_by_label("Number").fill("ii")
    part_form.get_by_label("Kind").select_option(label="Delegate")
    part_form.get_by_label("Text").fill(
        "Delegate authority to the Chief Officer in consultation with the Portfolio Holder to approve "
        "the contract extension periods on satisfactory achievement of the contract performance indicators."
    )
    part_form.get_by_label("Delegated to").fill("Chief Officer")
    part_form.get_by_label("In consultation with").fill("Portfolio Holder")
    part_form.get_by_label("To decide").fill("approve the contract extension periods")
    part_form.get_by_label("Condition").fill(KPI_CONDITION)
    part_form.locator("[name$='-action_text']").fill("Report the carers contract KPIs to the PDS Committee")
    part_form.get_by_label("Action owner").fill("Director of Adult Social Care")
    part_form.get_by_label("Action due").fill("2026-11-10")
    pick(part_form, "Acts on contracts", "carers", "LBB-CARERS-2025 Carers support service")
    part_form.get_by_label("Effect").select_option(label="Other")
    part_form.get_by_role("button", name="Add part").click()

    failure = page.locator("#failure")
    expect(failure).to_contain_text("The resolution part was not added to item 14.")
    assert "Nothing was saved." in failure.inner_text()
    due = page.locator(f"#id_part-{item.pk}-action_due_on")
    assert "An action cannot be due before its meeting (18 Nov 2026)." in due.locator("xpath=..").inner_text()
    assert list(item.parts.values_list("number", flat=True)) == ["i"]
    assert not Delegation.objects.exists()
    assert not Action.objects.exists()

    # The form came back filled in: correct the date and add the part.
    part_form = page.locator(f"#item-{item.pk} form[data-part-form]")
    assert part_form.get_by_label("Delegated to").input_value() == "Chief Officer"
    due.fill("2027-03-31")
    part_form.get_by_role("button", name="Add part").click()
    expect(page.locator(".alert-success")).to_contain_text("Part ii added to item 14.")

    part_i, part_ii = item.parts.all()
    assert (part_i.number, part_i.kind, part_ii.number, part_ii.kind) == ("i", "approve", "ii", "delegate")
    shown_i, shown_ii = page.locator(f"#part-{part_i.pk}"), page.locator(f"#part-{part_ii.pk}")
    assert shown_i.locator(".part-number").inner_text() == "i.)"
    expect(shown_i.locator("[data-kind='approve']")).to_be_visible()
    assert "Carers Bromley" in shown_i.inner_text()
    assert shown_ii.locator(".part-number").inner_text() == "ii.)"
    expect(shown_ii.locator("[data-kind='delegate']")).to_be_visible()
    delegation = shown_ii.locator(".delegation")
    assert "Delegated to Chief Officer in consultation with Portfolio Holder" in delegation.inner_text()
    assert "To decide: approve the contract extension periods" in delegation.inner_text()
    assert f"Condition: {KPI_CONDITION}" in delegation.inner_text()
    expect(delegation.locator("[data-delegation='unused']")).to_be_visible()
    action = shown_ii.locator("table.actions tbody tr")
    expect(action).to_have_count(1)
    assert re.search(
        r"Report the carers contract KPIs.*Director of Adult Social Care.*31 Mar 2027.*Open",
        action.inner_text().replace("\n", " ").replace("\t", " "),
    )
    expect(shown_ii.get_by_role("link", name="LBB-CARERS-2025")).to_be_visible()
    screenshot(page, "committee-meeting-recorded")

    # The agenda is kept as written for every clerk; "Mark done" submits the page's own form, with this clerk's token.
    page.reload()
    page.locator(f"#part-{part_ii.pk}").get_by_role("button", name="Mark done").click()
    expect(page.locator(".alert-success")).to_contain_text("Action marked done on 22 Nov 2026.")
    assert Action.objects.get().status == Action.Status.DONE
    expect(page.locator(f"#part-{part_ii.pk} table.actions tbody tr")).to_contain_text("Done")

    # The printable minutes.
    page.get_by_role("link", name="Printable minutes").click()
    expect(page).to_have_title(re.compile(r"^Minutes: Executive, 18 Nov 2026"))
    minutes = page.locator("article.minutes")
    assert "Minutes of the meeting held on Wednesday 18 November 2026 at 19:00" in minutes.inner_text()
    section = minutes.locator(f"#item-{item.pk}")
    assert "CARERS SUPPORT SERVICE: CONTRACT AWARD" in section.locator("h2").inner_text()
    assert section.locator(".resolved").inner_text() == "RESOLVED that:"
    parts = section.locator("ol.minutes-parts > li")
    expect(parts).to_have_count(2)
    assert parts.nth(0).inner_text().startswith("i.)")
    assert "Approve the award of the carers support contract" in parts.nth(0).inner_text()
    assert parts.nth(1).inner_text().startswith("ii.)")
    assert "Delegate authority to the Chief Officer" in parts.nth(1).inner_text()
    assert (
        parts.nth(1).locator(".minutes-action").inner_text()
        == "Report the carers contract KPIs to the PDS Committee. ACTION: Director of Adult Social Care (by 31 March 2027)"
    )
    text = section.inner_text()
    assert text.index("RESOLVED") < text.index("i.)") < text.index("ii.)")
    screenshot(page, "committee-minutes")


# --- the officer ---------------------------------------------------------------------------------


def test_the_support_at_home_chain_is_visible_from_contract_report_and_meeting(page, login, screenshot):
    _load_demo()
    login("officer", DEMO_PASSWORD)

    # From the contract: Gateway 0, then the Gateway 1 recommendation, then the delegation.
    _open_contract(page, "LBB-SAH-2024")
    blocks = _decision_blocks(page)
    gateway_0 = _index_of(blocks, "29 Jun 2022 · Executive · item 10 · report ACH22-018", "Approve")
    recommendation = _index_of(
        blocks,
        "15 Nov 2022 · Adult Care and Health Policy Development and Scrutiny Committee",
        "report ACH22-035",
        "Approve a tender",
        "Recommended to Executive; taken up by Executive, 30 Nov 2022 (i)",
    )
    delegation = _index_of(
        blocks,
        "30 Nov 2022 · Executive · item 12 · report ACH22-035",
        "Delegate",
        f"Delegated to Chief Officer in consultation with Portfolio Holder, {KPI_CONDITION}",
        "Not yet used",
    )
    assert gateway_0 < recommendation < delegation
    _index_of(blocks, "30 Nov 2022 · Executive", "Takes up the recommendation of Adult Care and Health", "(i)")
    screenshot(page, "chain-contract")

    # To the Gateway 1 report: considered at the PDS Committee, then at the Executive.
    page.locator("#decisions").get_by_role("link", name="ACH22-035").first.click()
    expect(page).to_have_title(re.compile(r"^Report ACH22-035 "))
    assert page.locator("#report-kind").inner_text() == "Gateway 1"
    history = page.locator("#history .report-history-item")
    expect(history).to_have_count(2)
    pds_item, executive_item = history.nth(0), history.nth(1)
    assert "Adult Care and Health Policy Development and Scrutiny Committee, 15 Nov 2022" in pds_item.inner_text()
    assert "Taken up by Executive, 30 Nov 2022, item 12 (ii)" in pds_item.inner_text()
    assert "Executive, 30 Nov 2022" in executive_item.inner_text()
    assert "Delegated to Chief Officer in consultation with Portfolio Holder" in executive_item.inner_text()
    assert "Takes up the recommendation of" in executive_item.inner_text()
    screenshot(page, "chain-report")

    # To the Executive meeting of 30 Nov 2022: part ii's delegation, taking up the PDS recommendation.
    executive_item.get_by_role("link", name="Executive, 30 Nov 2022", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Executive, 30 Nov 2022 "))
    part_ii = ResolutionPart.objects.get(delegation__scope=SAH_DELEGATION_SCOPE)
    shown = page.locator(f"#part-{part_ii.pk}")
    assert shown.locator(".part-number").inner_text() == "ii.)"
    expect(shown.locator("[data-kind='delegate']")).to_be_visible()
    box = shown.locator(".delegation")
    assert "Delegated to Chief Officer in consultation with Portfolio Holder" in box.inner_text()
    assert f"Condition: {KPI_CONDITION}" in box.inner_text()
    expect(box.locator("[data-delegation='unused']")).to_be_visible()
    takes_up = shown.locator(".chain-takes-up").get_by_role("link")
    assert takes_up.inner_text() == (
        "Adult Care and Health Policy Development and Scrutiny Committee, 15 Nov 2022, item 8 (ii)"
    )
    screenshot(page, "chain-executive-meeting")

    # Back to the PDS Committee's recommendation, which says who took it up.
    takes_up.click()
    expect(page).to_have_title(
        re.compile(r"^Adult Care and Health Policy Development and Scrutiny Committee, 15 Nov 2022 ")
    )
    recommendation_part = part_ii.takes_up
    shown = page.locator(f"#part-{recommendation_part.pk}")
    expect(shown.locator("[data-kind='recommend']")).to_be_visible()
    assert "Recommended to Executive" in shown.inner_text()
    assert shown.locator(".chain-taken-up-by").inner_text() == "Taken up by Executive, 30 Nov 2022, item 12 (ii)"
    assert shown.locator(".chain-taken-up-by").get_by_role("link").get_attribute("href").endswith(f"#part-{part_ii.pk}")
    screenshot(page, "chain-pds-meeting")


def test_officer_follows_an_extension_to_the_resolution_that_authorised_it(page, login, screenshot):
    _load_demo()
    login("officer", DEMO_PASSWORD)

    _open_contract(page, "NCC-ILSS-2019")
    for order in (1, 2):
        row = page.locator(f"#options tr[data-option='{order}']")
        authority = row.locator(".authority").inner_text()
        assert re.fullmatch(r"Authorised by officer decision of \d{1,2} \w{3} \d{4}", authority)
        expect(row.locator(".no-authority")).to_have_count(0)
    screenshot(page, "authority-contract-options")

    # "Authorised by" jumps to the decision in the Decisions section; its link opens the officer decision.
    authorised_by = page.locator("#options tr[data-option='1'] .authority").get_by_role("link")
    anchor = authorised_by.get_attribute("href")
    assert anchor.startswith("#decision-link-")
    authorised_by.click()
    expect(page).to_have_url(re.compile(f"{anchor}$"))
    link_block = page.locator(anchor)
    assert "Exercise an option: option 1" in link_block.inner_text()
    assert "Under the delegation to Provider Performance and Development Manager made by Executive Board" in (
        link_block.inner_text()
    )
    link_block.get_by_role("link", name="Officer decision").click()

    expect(page).to_have_title(re.compile(r"^Officer decision of "))
    authority = page.locator("#authority")
    assert "Taken under the delegation to Provider Performance and Development Manager" in authority.inner_text()
    assert "Condition: on the basis of performance and budget availability" in authority.inner_text()
    assert "option 1" in page.locator("#contracts").inner_text()
    screenshot(page, "authority-officer-decision")

    # From the officer decision to the Executive Board's resolution (4) that made the delegation.
    authority.get_by_role("link", name="item 7 (4)").click()
    expect(page).to_have_title(re.compile(r"^Executive Board, 19 Feb 2019 "))
    part_4 = ResolutionPart.objects.get(item__meeting__committee__name="Executive Board", number="4")
    shown = page.locator(f"#part-{part_4.pk}")
    assert shown.locator(".part-number").inner_text() == "4.)"
    expect(
        shown.get_by_text("agree annual extensions on the basis of performance and budget availability")
    ).to_be_visible()
    expect(shown.locator(".delegation").get_by_role("link")).to_have_count(2)  # used by both extensions
    screenshot(page, "authority-executive-board")

    # An option exercised without a recorded decision is flagged.
    _open_contract(page, "LBB-MHFSS-2019")
    exercised = page.locator("#options tr[data-option='1']")
    assert "Exercised" in exercised.inner_text()
    assert exercised.locator(".no-authority").inner_text() == "No authorising decision recorded"


def test_officer_exercises_an_option_with_its_authority(page, login, screenshot):
    _load_demo()
    contract = Contract.objects.get(reference="LBB-SAH-2024")

    # The clerk records the Chief Officer's decision under the support@home delegation (through the UI).
    login("clerk", DEMO_PASSWORD)
    page.goto("/committees/delegations/")
    row = page.locator("tbody tr", has_text=SAH_DELEGATION_SCOPE)
    assert "Executive, 30 Nov 2022" in row.inner_text()
    row.get_by_role("link", name="Record a decision").click()
    expect(page.locator("#delegation-summary")).to_contain_text(
        "Under the delegation to Chief Officer in consultation with Portfolio Holder"
    )
    assert page.get_by_label("Decision maker").input_value() == "Chief Officer"
    page.get_by_label("Decision date").fill("2026-11-02")
    page.get_by_role("textbox", name=re.compile(r"^Decision\*?$")).fill(
        "Approve the first extension of the support@home contract, 1 Oct 2029 to 30 Sep 2031: "
        "the contract performance indicators were achieved."
    )
    page.get_by_label("Reasons for the decision").fill("The contract performance indicators were achieved.")
    page.get_by_label("Alternatives considered and rejected").fill(
        "Re-tendering: rejected, as the service performs well and a new tender would disrupt support."
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".alert-success")).to_contain_text("Officer decision of 2 Nov 2026 recorded.")
    decision = OfficerDecision.objects.get(decided_on=date(2026, 11, 2))
    assert decision.delegation.scope == SAH_DELEGATION_SCOPE
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    # The officer exercises option 1, citing that decision.
    login("officer", DEMO_PASSWORD)
    _open_contract(page, "LBB-SAH-2024")
    assert page.locator("#current-end").inner_text() == "30 Sep 2029"
    page.locator("#options tr[data-option='1']").get_by_role("link", name="Exercise").click()
    expect(page.get_by_role("heading", name="Exercise option 1")).to_be_visible()
    page.get_by_label("Authorising decision").select_option(label="Officer decision, Chief Officer, 2 Nov 2026")
    page.get_by_label("Decided by").fill("Chief Officer in consultation with the Portfolio Holder")
    page.get_by_label("Decision date").fill("2026-11-02")
    page.get_by_role("button", name="Exercise option 1").click()

    expect(page.locator(".alert-success")).to_contain_text("Option 1 exercised. The contract now runs to 30 Sep 2031.")
    assert page.locator("#current-end").inner_text() == "30 Sep 2031"
    option_1 = page.locator("#options tr[data-option='1']")
    assert "Exercised" in option_1.inner_text()
    assert option_1.locator(".authority").inner_text() == "Authorised by officer decision of 2 Nov 2026"
    blocks = _decision_blocks(page)
    _index_of(blocks, "2 Nov 2026 · Officer decision by Chief Officer", "Exercise an option: option 1")
    _index_of(blocks, "30 Nov 2022 · Executive", "Delegate", "Used by Chief Officer, 2 Nov 2026")
    screenshot(page, "authority-option-exercised")

    link = contract.decision_links.get(option__order=1)
    assert link.officer_decision == decision
    assert on(contract).current_end_date == date(2031, 9, 30)
