"""Demo data for the forward plan (issue 13, item 1): the support@home key decision
(seed 000) on Bromley's forward plan, published 28 clear days before the Executive
of Wed 30 Nov 2022 (by Tue 1 Nov 2022)."""

from datetime import date

from committees import services
from committees.models import Committee, ForwardPlanEntry, ResolutionPart
from contracts.models import Contract

# Bromley's forward plan went out on Fri 14 Oct 2022, in good time for 30 Nov.
SUPPORT_AT_HOME_NOTICE = date(2022, 10, 14)
SUPPORT_AT_HOME_TITLE = "Gateway 1: Adult Mental Health Recovery and Rehabilitation Support @ Home Service"


def load_forward_plan_demo(*, today: date) -> None:
    """The forward plan entry for the Executive's support@home decision, once that
    decision is in the demo (so after `_bromley_support_at_home`), skipping one there."""
    if today < SUPPORT_AT_HOME_NOTICE or ForwardPlanEntry.objects.filter(title=SUPPORT_AT_HOME_TITLE).exists():
        return
    part = (
        ResolutionPart.objects.filter(
            is_key_decision=True,
            number="i",
            item__report__reference="ACH22-035",
            item__meeting__committee__kind=Committee.Kind.EXECUTIVE,
        )
        .select_related("item__meeting__committee__council")
        .first()
    )
    if part is None:
        return
    executive = part.item.meeting.committee
    taken = today >= part.item.meeting.date
    services.forward_plan_entry_create(
        council=executive.council,
        title=SUPPORT_AT_HOME_TITLE,
        description="Approval to tender a 5+2+2 contract from 1 Oct 2024, £23.4m over the whole term, jointly "
        "with the SEL ICB under section 75; extensions delegated to the Chief Officer in consultation with the "
        "Portfolio Holder.",
        decision_maker=executive,
        expected_on=part.item.meeting.date,
        status=ForwardPlanEntry.Status.TAKEN if taken else ForwardPlanEntry.Status.PLANNED,
        published_on=SUPPORT_AT_HOME_NOTICE,
        # The seed's report was taken in public: no exempt information expected.
        is_exempt=False,
        contracts=list(Contract.objects.filter(decision_links__resolution_part=part).distinct()),
        decision=part if taken else None,
    )
