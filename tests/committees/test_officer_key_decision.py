"""An officer decision marked as a key decision: recorded on the form, shown as a
badge, and checked against the forward plan even when no entry names it."""

import csv
import io
import re
from datetime import date
from html import unescape
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import services
from committees.models import ContractLink, OfficerDecision
from committees.selectors import (
    contract_key_decisions_without_notice,
    key_decisions_without_notice,
    officer_decision_notice_check,
)
from tests.committees.factories import OfficerDecisionFactory
from tests.conftest import ContractFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# Taken on Fri 2 Dec 2022: 28 clear days' notice by Thu 3 Nov 2022.
DECIDED_ON = date(2022, 12, 2)
AFTER = date(2023, 1, 10)
NO_ENTRY = "No forward plan entry for this key decision."


@pytest.fixture
def contract():
    return ContractFactory(reference="LBB-SAH-2024", title="Support at home")


def _decision(contract, *, is_key_decision=True, **values):
    return OfficerDecisionFactory(
        decided_on=DECIDED_ON,
        text="Awarded the support at home contract.",
        is_key_decision=is_key_decision,
        links=[services.LinkInput(contract=contract, effect=ContractLink.Effect.AWARD)],
        **values,
    )


def _entry(decision, contract, *, published_on):
    return services.forward_plan_entry_create(
        council=OrganisationFactory(name="London Borough of Bromley"),
        title="Support at home: contract award",
        decision_maker_officer="Chief Officer, Adult Social Care",
        expected_on=decision.decided_on,
        contracts=[contract],
        decision=decision,
        published_on=published_on,
    )


def _missing(today=AFTER):
    return [row.decision for row in key_decisions_without_notice(today=today)]


# --- the notice checked -----------------------------------------------------------------------


def test_one_marked_key_with_no_entry_is_flagged(contract):
    decision = _decision(contract)
    (row,) = key_decisions_without_notice(today=AFTER)
    assert row.decision == decision and row.label == f"OD-{decision.pk}"
    assert row.decided_on == DECIDED_ON and row.decision_maker == "Chief Officer, Adult Social Care"
    assert not row.check.valid and row.check.reason == NO_ENTRY
    assert [r.decision for r in contract_key_decisions_without_notice(contract=contract, today=AFTER)] == [decision]
    # Not yet taken the day before: nothing to flag.
    assert _missing(today=date(2022, 12, 1)) == []


def test_one_marked_key_with_a_valid_entry_is_not_flagged(contract):
    decision = _decision(contract)
    _entry(decision, contract, published_on=date(2022, 11, 3))
    assert _missing() == []
    assert contract_key_decisions_without_notice(contract=contract, today=AFTER) == []


def test_one_marked_key_with_a_late_entry_is_flagged_by_the_same_rule(contract):
    decision = _decision(contract)
    _entry(decision, contract, published_on=date(2022, 11, 4))
    (row,) = key_decisions_without_notice(today=AFTER)
    assert row.decision == decision
    assert row.check.reason.startswith("Published on Fri 4 Nov 2022, after Thu 3 Nov 2022")


def test_one_not_marked_key_and_with_no_entry_is_not_flagged(contract):
    _decision(contract, is_key_decision=False)
    assert _missing() == []
    assert contract_key_decisions_without_notice(contract=contract, today=AFTER) == []


def test_one_not_marked_key_but_named_by_an_entry_is_still_checked(contract):
    decision = _decision(contract, is_key_decision=False)
    _entry(decision, contract, published_on=date(2022, 11, 20))
    assert _missing() == [decision]


def test_the_listing_reads_in_the_same_queries_however_many(contract):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = key_decisions_without_notice(today=AFTER)
        return len(queries), len(rows)

    _decision(contract)
    few = count()
    for n in range(5):
        _decision(contract, decision_maker=f"Officer {n}")
        # One with an entry too, so the entries' prefetch has rows to read.
        _entry(_decision(contract, decision_maker=f"Head {n}"), contract, published_on=date(2022, 11, 30))
    many = count()
    assert few[1] == 1 and many == (few[0], 11)


# --- where the flag shows ---------------------------------------------------------------------


def test_the_dashboard_and_its_list_flag_it(client_for, clerk, contract):
    decision = _decision(contract)
    _decision(contract, is_key_decision=False, decision_maker="Head of Contracts")
    client = client_for(clerk)
    html = client.get(reverse("home"), {"as_of": "2023-01-10"}).content.decode()
    assert 'data-count="key_notices">1<' in html
    response = client.get(reverse("committees:key_decisions_missing_notice"), {"as_of": "2023-01-10"})
    assert [row.decision for row in response.context["page"]] == [decision]
    html = response.content.decode()
    assert f'href="{decision.get_absolute_url()}">OD-{decision.pk}</a>' in html
    assert NO_ENTRY in html and "Head of Contracts" not in html


def test_the_dashboard_download_has_it(client_for, manager, contract):
    decision = _decision(contract)
    response = client_for(manager).get(
        reverse("dashboard_export", args=["key_notices", "csv"]), {"as_of": "2023-01-10"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Decision"], row["Decided on"], row["Why the notice is not valid"]) for row in rows] == [
        (f"OD-{decision.pk}", "2022-12-02", NO_ENTRY)
    ]


def test_the_contract_page_flags_it_until_it_has_notice(client_for, manager, contract):
    decision = _decision(contract)
    url = reverse("contracts:contract_detail", args=[contract.pk])
    html = client_for(manager).get(url, {"as_of": "2023-01-10"}).content.decode()
    assert 'id="key-decisions-without-notice"' in html
    assert f"Chief Officer, Adult Social Care, 2 Dec 2022</a>: {NO_ENTRY}" in html
    _entry(decision, contract, published_on=date(2022, 10, 14))
    html = client_for(manager).get(url, {"as_of": "2023-01-10"}).content.decode()
    assert 'id="key-decisions-without-notice"' not in html


def test_the_contract_page_does_not_flag_one_not_marked_key(client_for, manager, contract):
    _decision(contract, is_key_decision=False)
    url = reverse("contracts:contract_detail", args=[contract.pk])
    html = client_for(manager).get(url, {"as_of": "2023-01-10"}).content.decode()
    assert 'id="key-decisions-without-notice"' not in html


# --- the decision's own page and print -------------------------------------------------------


def _notice_shown(client, decision) -> list[str]:
    """What the decision's page and its print say of its notice: the badge's mark and the reason."""
    shown = []
    for name in ("committees:officer_decision_detail", "committees:officer_decision_print"):
        response = client.get(reverse(name, args=[decision.pk]), {"as_of": "2023-01-10"})
        assert response.status_code == HTTPStatus.OK
        html = unescape(response.content.decode())
        if 'id="key-decision-notice"' not in html:
            shown.append("")
            continue
        (badge,) = re.findall(r'data-notice="(\w+)"[^>]*>([^<]+)<', html)
        mark = {("valid", "Notice valid"): "valid", ("missing", "No valid notice"): "not valid"}[badge]
        shown.append(f"{mark}: {response.context['notice_check'].reason}")
        assert f"<span data-notice-reason>{response.context['notice_check'].reason}</span>" in html
    return shown


def test_the_page_says_the_notice_is_valid_with_a_valid_entry(client_for, manager, contract):
    decision = _decision(contract)
    _entry(decision, contract, published_on=date(2022, 11, 3))
    assert _notice_shown(client_for(manager), decision) == ["valid: On the forward plan from Thu 3 Nov 2022."] * 2


def test_the_page_says_the_notice_is_not_valid_with_no_entry_or_a_late_one(client_for, manager, contract):
    decision = _decision(contract)
    client = client_for(manager)
    assert _notice_shown(client, decision) == [f"not valid: {NO_ENTRY}"] * 2
    _entry(decision, contract, published_on=date(2022, 11, 4))
    (detail, printed) = _notice_shown(client, decision)
    assert detail == printed
    assert detail.startswith("not valid: Published on Fri 4 Nov 2022, after Thu 3 Nov 2022")


def test_the_page_says_nothing_of_notice_for_one_not_key(client_for, manager, contract):
    decision = _decision(contract, is_key_decision=False)
    assert _notice_shown(client_for(manager), decision) == ["", ""]


def test_the_page_checks_the_notice_by_the_rule_of_the_list(contract):
    """The same decisions, the same reasons: one rule (`_key_rows`)."""
    marked = _decision(contract)
    named = _decision(contract, is_key_decision=False, decision_maker="Head of Contracts")
    _entry(named, contract, published_on=date(2022, 11, 20))
    valid = _decision(contract, decision_maker="Director")
    _entry(valid, contract, published_on=date(2022, 10, 1))
    listed = {row.decision: row.check for row in key_decisions_without_notice(today=AFTER)}
    assert set(listed) == {marked, named}
    for decision in (marked, named):
        assert officer_decision_notice_check(decision, today=AFTER) == listed[decision]
    assert officer_decision_notice_check(valid, today=AFTER).valid
    # Not yet taken: nothing to check, as the list has nothing to flag.
    assert officer_decision_notice_check(marked, today=date(2022, 12, 1)) is None


def test_one_decision_is_checked_in_two_queries(contract, django_assert_num_queries):
    decision = _decision(contract)
    for n in range(3):
        _entry(decision, contract, published_on=date(2022, 11, 10 + n))
    with django_assert_num_queries(2):
        check = officer_decision_notice_check(decision, today=AFTER)
    assert not check.valid and check.reason.startswith("Published on Thu 10 Nov 2022")


# --- the form, the badge and the history ------------------------------------------------------


def _form(**values):
    return {
        "delegation": "",
        "decision_maker": "Chief Officer, Adult Social Care",
        "decided_on": "2022-12-02",
        "published_on": "",
        "text": "Awarded the support at home contract.",
        "reasons": "The best value tender.",
        "alternatives_rejected": "None considered.",
        "conflicts_of_interest": "",
        "dispensations": "",
        "contract": "",
        "effect": "",
        "option_order": "",
        **values,
    }


def test_the_form_saves_the_flag(client_for, clerk):
    client = client_for(clerk)
    url = reverse("committees:officer_decision_create")
    html = unescape(client.get(url).content.decode())
    assert 'name="is_key_decision"' in html and "Key decision" in html
    assert "needs 28 clear days' notice on the forward plan" in html
    response = client.post(url, _form(is_key_decision="on"))
    decision = OfficerDecision.objects.get()
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == decision.get_absolute_url()
    assert decision.is_key_decision is True


def test_the_form_leaves_it_off_when_not_ticked(client_for, clerk):
    response = client_for(clerk).post(reverse("committees:officer_decision_create"), _form())
    assert response.status_code == HTTPStatus.FOUND
    assert OfficerDecision.objects.get().is_key_decision is False


def test_the_badge_shows_on_its_page_the_list_and_the_print(client_for, manager, contract):
    key = _decision(contract)
    other = _decision(contract, is_key_decision=False)
    client = client_for(manager)
    pages = [
        reverse("committees:officer_decision_detail", args=[key.pk]),
        reverse("committees:officer_decision_print", args=[key.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert html.count("data-key-decision") == 1, url
        assert ">Key decision</span>" in html
    for url in [
        reverse("committees:officer_decision_detail", args=[other.pk]),
        reverse("committees:officer_decision_print", args=[other.pk]),
    ]:
        assert "data-key-decision" not in client.get(url).content.decode(), url
    html = client.get(reverse("committees:officer_decision_list")).content.decode()
    assert html.count("data-key-decision") == 1


def test_a_change_to_the_flag_shows_in_its_history(client_for, manager, contract):
    decision = _decision(contract, is_key_decision=False)
    # Corrected afterwards, as the admin does.
    decision.is_key_decision = True
    decision.save()
    response = client_for(manager).get(reverse("committees:officer_decision_detail", args=[decision.pk]))
    changed = [change for change in response.context["history"].changes if change.action == "changed"]
    assert [(f.field, f.old, f.new) for change in changed for f in change.fields] == [("Key decision", "No", "Yes")]
