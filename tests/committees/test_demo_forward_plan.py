"""The demo's forward plan: the support@home key decision (seed 000) notified in time."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from committees.models import ForwardPlanEntry
from committees.selectors import forward_plan_rows, key_decisions_without_notice
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_support_at_home_key_decision_is_on_the_plan_in_time():
    call_command("load_demo_data", "--today", TODAY.isoformat(), "--seed-only", stdout=StringIO())
    entry = ForwardPlanEntry.objects.get()
    part = entry.resolution_part
    assert part.is_key_decision and part.item.report.reference == "ACH22-035"
    assert part.item.meeting.date == date(2022, 11, 30) and entry.expected_on == date(2022, 11, 30)
    # 28 clear days: published by Tue 1 Nov 2022; it went out on Fri 14 Oct.
    (row,) = forward_plan_rows([entry])
    assert row.publish_by == date(2022, 11, 1) and entry.published_on == date(2022, 10, 14)
    assert row.check.valid
    assert entry.contracts.exists()
    # Both key parts of the Executive's item are covered; no key decision of the demo is flagged.
    flagged = [row.decision for row in key_decisions_without_notice(today=TODAY)]
    assert part not in flagged and not any(p.item_id == part.item_id for p in flagged)
    # Loaded again: nothing added.
    call_command("load_demo_data", "--today", TODAY.isoformat(), "--seed-only", stdout=StringIO())
    assert ForwardPlanEntry.objects.count() == 1
