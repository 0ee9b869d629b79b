"""Every page type checked by axe-core for WCAG 2.2 A and AA, at desktop and phone widths.

axe-core comes from package.json (`npm ci`, which `python3 dev.py` runs), never
from a CDN: this machine and CI have no internet. Each page is also checked for
sideways scrolling at 390px, and a full-page screenshot is saved at both widths
(test-artifacts/screenshots/a11y-<page>-<width>.png).
"""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from commissioning.core.roles import CLERKS
from commissioning.projects.models import CommissioningProject, Waiver
from committees.models import CallIn, Committee, ForwardPlanEntry, Meeting, Member, OfficerDecision, Report
from contracts import services as contract_services
from contracts.models import Contract, Kpi, Organisation, Provider
from tests.committees.factories import AgendaItemFactory, MeetingFactory, OfficerDecisionFactory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "commissioning-demo"
# A demo contract whose options are still open for years, so its page offers Exercise and Decline.
OPEN_OPTIONS = "LBB-SAH-2024"


@pytest.fixture
def axe():
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}. Run `python3 dev.py test`, or `npm ci`, to install it."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE


@pytest.fixture
def demo(page):
    """The demo world: `page` has flushed the database, so load it afresh."""
    call_command("load_demo_data", "--seed-only", verbosity=0)


def _violations(page, axe_path) -> list[dict]:
    # Run in the page through the browser's debugging protocol, not as a <script>
    # tag: the site's Content-Security-Policy refuses inline scripts, and should.
    page.evaluate(axe_path.read_text())
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_22_AA,
    )


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["failureSummary"].split())
            lines.append(f"      {' '.join(map(str, node['target']))}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def _check(page, axe_path, screenshot, name: str) -> list[str]:
    """Axe at desktop width, then at phone width with the overflow check; the problems found, in words."""
    problems = []
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        violations = _violations(page, axe_path)
        if violations:
            problems.append(f"{name} at {size['width']}px:\n{_describe(violations)}")
        screenshot(page, f"a11y-{name}-{size['width']}")
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        problems.append(f"{name} scrolls sideways at {inner_width}px: the page is {scroll_width}px wide")
    page.set_viewport_size(DESKTOP)
    return problems


def _sign_in(page, username: str):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _visit_all(page, axe_path, screenshot, pages: list[tuple[str, str]]) -> list[str]:
    problems = []
    for name, url in pages:
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        assert response.ok, f"{name} ({url}) answered {response.status}"
        problems += _check(page, axe_path, screenshot, name)
    return problems


def _submit_empty(page, url: str, button: str):
    page.set_viewport_size(DESKTOP)
    page.goto(url)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    expect(page.locator("#form-errors")).to_be_visible()


def test_the_sign_in_page_has_no_violations(page, axe, screenshot):
    page.goto("/accounts/login/")
    assert _check(page, axe, screenshot, "sign-in") == []


def _kpi_with_ratings(contract: Contract) -> Kpi:
    """A KPI rated over three quarters, one of them Other, so the contract page draws its chart."""
    kpi = contract_services.kpi_create(
        contract=contract,
        name="Visits on time",
        measure="Share of planned visits that start within 15 minutes of the time agreed.",
        target="95%",
        frequency=Kpi.Frequency.QUARTERLY,
        evidence_source="Electronic call monitoring",
    )
    for start, end, rating in [
        (date(2026, 1, 1), date(2026, 3, 31), "good"),
        (date(2026, 4, 1), date(2026, 6, 30), "other"),
        (date(2026, 7, 1), date(2026, 9, 30), "inadequate"),
    ]:
        contract_services.kpi_assessment_record(
            kpi=kpi,
            period_start=start,
            period_end=end,
            rating=rating,
            assessed_on=end + timedelta(days=10),
            today=end + timedelta(days=10),
        )
    return kpi


def test_an_officers_pages_have_no_violations(page, axe, screenshot, demo):
    contract = Contract.objects.get(reference=OPEN_OPTIONS)
    kpi = _kpi_with_ratings(contract)
    _sign_in(page, "officer")
    problems = _visit_all(
        page,
        axe,
        screenshot,
        [
            ("dashboard", "/"),
            ("contract-list", "/contracts/"),
            ("contract", contract.get_absolute_url()),
            ("kpi-form", reverse("contracts:kpi_update", args=[kpi.pk])),
            ("kpi-assessment-form", reverse("contracts:kpi_assessment_create", args=[kpi.pk])),
            ("monitoring-form", reverse("contracts:monitoring_create", args=[contract.pk])),
            ("to-complete", "/contracts/to-complete/"),
            ("notices", "/contracts/notices/"),
            ("notice-form", "/contracts/notices/published/?kind=payments_compliance&period_end=2026-09-30"),
            ("import", "/contracts/import/"),
            ("provider-list", "/contracts/providers/"),
            ("provider", Provider.objects.order_by("pk").first().get_absolute_url()),
            ("organisation-list", "/contracts/organisations/"),
            ("organisation", Organisation.objects.order_by("pk").first().get_absolute_url()),
            ("search", "/search/?q=support"),
            ("search-one-kind", "/search/?q=support&kind=resolution"),
            ("search-nothing", "/search/?q=podiatry"),
        ],
    )
    _submit_empty(page, "/contracts/new/", "Register contract")
    problems += _check(page, axe, screenshot, "contract-form-errors")
    _submit_empty(page, reverse("contracts:kpi_assessment_create", args=[kpi.pk]), "Record assessment")
    problems += _check(page, axe, screenshot, "kpi-assessment-form-errors")
    assert not problems, "\n".join(problems)


def test_a_clerks_pages_have_no_violations(page, axe, screenshot, demo):
    meeting = Meeting.objects.filter(items__parts__actions__isnull=False).order_by("pk").first()
    committee = Committee.objects.order_by("pk").first()
    attended = Meeting.objects.filter(attendances__isnull=False).distinct().get()
    upcoming = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at").last()
    _sign_in(page, "clerk")
    problems = _visit_all(
        page,
        axe,
        screenshot,
        [
            ("committee-list", "/committees/"),
            ("meeting-list", committee.get_absolute_url()),
            ("meeting-calendar", "/committees/meetings/calendar/"),
            ("meeting", meeting.get_absolute_url()),
            ("report-list", "/committees/reports/"),
            ("report", Report.objects.order_by("pk").first().get_absolute_url()),
            # The Hestia contract's monitoring report, linked to the report that considered it.
            ("monitoring-report", Report.objects.get(reference="ACH22-044").get_absolute_url()),
            (
                "monitoring-report-form",
                reverse("committees:report_update", args=[Report.objects.get(reference="ACH22-044").pk]),
            ),
            ("delegations", "/committees/delegations/"),
            ("officer-decision-list", "/committees/officer-decisions/"),
            ("officer-decision", OfficerDecision.objects.order_by("pk").first().get_absolute_url()),
            (
                "officer-decision-print",
                reverse("committees:officer_decision_print", args=[OfficerDecision.objects.order_by("pk").first().pk]),
            ),
            # The demo's call-in of the support@home tender (committees.demo_call_in), with its outcome form.
            ("call-in", CallIn.objects.get().get_absolute_url()),
            ("call-in-form", reverse("committees:call_in_create", args=[meeting.items.first().parts.first().pk])),
            ("actions", "/committees/actions/"),
            # Attendance and declarations (issue 13): the demo's PDS meeting of 15 Nov 2022.
            ("attendance", reverse("committees:meeting_attendance", args=[attended.pk])),
            ("minutes-with-attendance", reverse("committees:meeting_minutes", args=[attended.pk])),
            ("agenda-print", reverse("committees:meeting_minutes", args=[upcoming.pk])),
            ("member-list", "/committees/members/"),
            ("member", Member.objects.order_by("name").first().get_absolute_url()),
            ("provider-with-declaration", Provider.objects.get(name="Hestia Housing and Support").get_absolute_url()),
            ("forward-plan", "/committees/forward-plan/"),
            ("forward-plan-entry", ForwardPlanEntry.objects.order_by("pk").first().get_absolute_url()),
            ("forward-plan-print", "/committees/forward-plan/print/"),
            ("key-decisions-missing-notice", "/committees/forward-plan/missing-notices/"),
        ],
    )
    _submit_empty(page, "/committees/reports/new/", "Add report")
    problems += _check(page, axe, screenshot, "report-form-errors")
    _submit_empty(page, "/committees/forward-plan/new/", "Add entry")
    problems += _check(page, axe, screenshot, "forward-plan-form-errors")
    assert not problems, "\n".join(problems)


def test_a_managers_pages_have_no_violations(page, axe, screenshot, demo):
    assert Waiver.objects.exists()
    _sign_in(page, "manager")
    problems = _visit_all(
        page,
        axe,
        screenshot,
        [
            ("pipeline", "/pipeline/"),
            ("project-list", "/projects/"),
            ("project", CommissioningProject.objects.order_by("pk").first().get_absolute_url()),
            ("waiver-list", "/waivers/"),
            ("calendar", "/calendar/"),
        ],
    )
    _submit_empty(page, "/waivers/new/", "Record waiver")
    problems += _check(page, axe, screenshot, "waiver-form-errors")
    assert not problems, "\n".join(problems)


def _within_width(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_a_phone_shows_the_register_without_sideways_scrolling(page, demo, screenshot):
    _sign_in(page, "officer")
    page.set_viewport_size(PHONE)

    page.goto("/contracts/")
    first = page.locator("table tbody tr").first
    # Stacked rows: each key figure on its own line, named, inside the screen.
    for label in ("Current end", "Annual value", "Status"):
        cell = first.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert _within_width(page, f'table tbody tr:first-child td[data-label="{label}"]')
    screenshot(page, "phone-contract-list")

    page.goto(Contract.objects.get(reference=OPEN_OPTIONS).get_absolute_url())
    for name in ("Exercise", "Decline"):
        button = page.locator("#options").get_by_role("link", name=name, exact=True)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{name} is off the screen: {box}"
    # The largest figure is inside its card, not cut off at the edge.
    value = page.locator("#whole-life-value strong").bounding_box()
    card = page.locator("#values").bounding_box()
    assert value["x"] + value["width"] <= card["x"] + card["width"]
    screenshot(page, "phone-contract")

    meeting = Meeting.objects.filter(items__parts__actions__isnull=False).order_by("pk").first()
    page.goto(meeting.get_absolute_url())
    assert _within_width(page, "table.actions")
    screenshot(page, "phone-meeting")

    for path in ("/", "/pipeline/"):
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{path} is {scroll_width}px wide"


def test_the_keyboard_reaches_the_first_contract_past_the_folded_filters(page, demo):
    _sign_in(page, "officer")
    page.goto("/contracts/")
    first_contract = page.locator("table tbody tr").first.get_by_role("link").first.get_attribute("href")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    # The focus ring: yellow, three pixels, whatever the background.
    outline = page.evaluate("getComputedStyle(document.activeElement).outline")
    assert "rgb(255, 221, 0)" in outline and "3px" in outline, outline
    page.keyboard.press("Enter")

    presses = 0
    while page.evaluate("document.activeElement.getAttribute('href')") != first_contract:
        page.keyboard.press("Tab")
        presses += 1
        assert not page.evaluate("!!document.activeElement.closest('form[role=search]')"), "a filter field came first"
        assert presses <= 20, "the first contract is more than 20 Tab presses past the skip link"
    # Past the page's own buttons, the folded filters and the column headers.
    assert presses <= 14

    # The filters unfold from their one control.
    page.get_by_text("Filter contracts").click()
    expect(page.get_by_label("Search", exact=True)).to_be_visible()


def test_a_failed_save_puts_focus_on_a_summary_linking_each_problem(page, demo):
    _sign_in(page, "manager")
    _submit_empty(page, "/waivers/new/", "Record waiver")

    expect(page.locator("#form-errors")).to_be_focused()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("The waiver was not saved.")
    links = summary.locator("a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # One link for each field the page marks invalid, in the page's order.
    invalid = page.eval_on_selector_all("form .is-invalid[id]", "fields => fields.map(f => '#' + f.id)")
    assert targets == invalid and targets

    links.first.click()
    expect(page.locator(targets[0])).to_be_focused()


def test_a_failed_inline_form_focuses_the_summary_at_the_top_of_the_page(page, demo):
    # The meeting page's forms post back to a #fragment, where browsers skip
    # autofocus; static/js/error-summary.js moves focus to the summary then.
    meeting = Meeting.objects.filter(items__parts__actions__isnull=False).order_by("pk").first()
    _sign_in(page, "clerk")
    page.goto(meeting.get_absolute_url())
    page.locator("#add-item").get_by_label("Title").fill("")
    page.get_by_role("button", name="Add item", exact=True).click()
    page.wait_for_load_state("load")

    expect(page.locator("#failure")).to_be_focused()
    expect(page.locator("#failure")).to_contain_text("The agenda item was not added.")
    page.locator("#failure").get_by_role("link", name="Title: This field is required.").click()
    expect(page.locator("#add-item").get_by_label("Title")).to_be_focused()


def test_the_confidential_print_and_a_key_officer_decision_have_no_violations(page, axe, screenshot, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password=DEMO_PASSWORD)
    clerk.groups.add(Group.objects.get(name=CLERKS))
    meeting = MeetingFactory()
    AgendaItemFactory(
        meeting=meeting, number="9", title="Support at home: prices", minutes="The tendered rates were discussed.",
        is_exempt=True, exempt_paragraph="3", exempt_reason="Disclosure would prejudice the negotiations.",
    )  # fmt: skip
    decision = OfficerDecisionFactory(is_key_decision=True)
    _sign_in(page, "clerk")
    problems = _visit_all(
        page,
        axe,
        screenshot,
        [
            ("meeting-with-exempt-item", meeting.get_absolute_url()),
            ("confidential-print", reverse("committees:meeting_minutes_confidential", args=[meeting.pk])),
            ("officer-key-decision", decision.get_absolute_url()),
            ("officer-key-decision-print", reverse("committees:officer_decision_print", args=[decision.pk])),
        ],
    )
    assert not problems, "\n".join(problems)
