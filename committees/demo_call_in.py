"""Demo data: a call-in that was not upheld (issue 13, slice "callin").

The Executive's Gateway 1 decision on support@home (30 Nov 2022, item 12 (i);
decisions published Fri 2 Dec 2022, call-in to Fri 9 Dec 2022) is called in by
two councillors and considered by the Adult Care and Health PDS Committee, which
takes no further action. The seed minutes record no call-in: this one is
illustrative, and says so.
"""

from datetime import date

from committees import services
from committees.models import CallIn, ResolutionPart
from contracts.demo import BROMLEY

CALLED_IN_ON = date(2022, 12, 7)
CONSIDERED_ON = date(2022, 12, 13)
CALLED_IN_BY = "Cllr A Example and Cllr S Sample (demo names)"
REASONS = (
    "The councillors asked whether an in-house or jointly commissioned service had been weighed "
    "before approving the tender, and whether the two-year extension options were needed. "
    "Demo note: the seed minutes record no call-in; this one is illustrative."
)


def load_call_in_demo(demo) -> None:
    """Add the call-in and its outcome as they stood on `demo.today`, skipping what is there."""
    from committees.demo import BROMLEY_EXECUTIVE, BROMLEY_PDS, _line

    if demo.today < CALLED_IN_ON:
        return
    part = (
        ResolutionPart.objects.filter(
            item__meeting__committee=demo.committee(BROMLEY, BROMLEY_EXECUTIVE),
            item__meeting__starts_at__date=date(2022, 11, 30),
            item__number="12",
            number="i",
        )
        .select_related("item__meeting__committee")
        .first()
    )
    if part is None or CallIn.objects.filter(resolution_part=part).exists():
        return
    scrutiny = demo.meeting(BROMLEY, BROMLEY_PDS, CONSIDERED_ON, 19, venue="Bromley Civic Centre")
    if scrutiny is not None:
        demo.item(
            scrutiny,
            "4",
            "Call-in: Adult Mental Health Recovery and Rehabilitation Support @ Home Service",
            report=None,
            minutes=_line(
                """The Committee considered the call-in of the Executive's decision of 30 November 2022
                to approve the tender for the support@home service. Having heard the Portfolio Holder and
                officers, the Committee agreed that the decision be implemented: no further action."""
            ),
        )
    call_in = services.call_in_request(
        part=part,
        requested_by=CALLED_IN_BY,
        requested_on=CALLED_IN_ON,
        reasons=REASONS,
        today=demo.today,
        scrutiny_meeting=scrutiny,
    )
    if scrutiny is not None:
        services.call_in_resolve(
            call_in=call_in,
            scrutiny_meeting=scrutiny,
            outcome=CallIn.Outcome.NO_FURTHER_ACTION,
            outcome_on=CONSIDERED_ON,
            today=demo.today,
        )
