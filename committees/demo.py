"""Demo data for the committee record: the decisions behind the six seed contracts.

The wording of minutes and resolutions is the councils' own, from the public minutes
of the seed cases (docs/domain.md). Where the minutes are silent (a meeting's date or time, an item
number, a reference, the text of a decision that the seeds only summarise) the
value here is an assumption, and the item's minutes or the decision's text end
with a "Demo note" that says what was assumed.

Everything is written through `committees.services`, so the demo obeys the same
rules as records entered by hand. Loading is idempotent: committees, meetings,
reports, items and resolution parts already there (looked up by council and
name, committee and start, council and reference, meeting and number, item and
number) are left as they are, and an option that already has a decision linked
to it gets no second one. Nothing dated after `today` is recorded, apart from
one scheduled Executive meeting a few weeks ahead, as a clerk's calendar has.

It runs after `contracts.demo.load_register_demo`: the decisions link to the
register's contracts by reference, and a contract that is not in the register
gets no link.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from committees import demo_attendance, services
from committees.clock import WorkingDays, agenda_publication_deadline
from committees.demo_call_in import load_call_in_demo
from committees.demo_forward_plan import load_forward_plan_demo
from committees.models import AgendaItem, Committee, ContractLink, Meeting, Report, ResolutionPart
from contracts import services as contract_services
from contracts.demo import BRADFORD, BROMLEY, MHFSS_MONITORING_TITLE, NOTTINGHAM, REGISTER_REFERENCES
from contracts.models import Contract, MonitoringRecord, Organisation
from contracts.terms import OptionStatus

Effect = ContractLink.Effect
Kind = ResolutionPart.Kind

# Committees by council: name and kind.
BROMLEY_PDS = "Adult Care and Health Policy Development and Scrutiny Committee"
BROMLEY_EXECUTIVE = "Executive"
BROMLEY_PORTFOLIO_HOLDER = "Care Services Portfolio Holder"
NOTTINGHAM_EXECUTIVE_BOARD = "Executive Board"
BRADFORD_SCRUTINY = "Health and Social Care Overview and Scrutiny Committee"

COMMITTEES = {
    BROMLEY: (
        (BROMLEY_PDS, Committee.Kind.PDS),
        (BROMLEY_EXECUTIVE, Committee.Kind.EXECUTIVE),
        (BROMLEY_PORTFOLIO_HOLDER, Committee.Kind.PORTFOLIO_HOLDER),
    ),
    NOTTINGHAM: ((NOTTINGHAM_EXECUTIVE_BOARD, Committee.Kind.EXECUTIVE),),
    BRADFORD: ((BRADFORD_SCRUTINY, Committee.Kind.OVERVIEW_SCRUTINY),),
}

# Executive decisions are published a couple of working days after the meeting;
# call-in runs from then (Wed 30 Nov 2022 -> Fri 2 Dec 2022).
DECISIONS_PUBLISHED_AFTER_WORKING_DAYS = 2
# The upcoming Executive meeting is put this far ahead of `today`, on a Wednesday.
UPCOMING_MEETING_AFTER = timedelta(weeks=3)
_WEDNESDAY = 2

SUPPORT_AT_HOME = "LBB-SAH-2024"
MHFSS = "LBB-MHFSS-2019"
SEL_ICB_ACCOMMODATION = "SELICB-AMH-RSA-2019"
HERITAGE_CARE_WAIVER = "LBB-MHFS-WAIVER-2017"
NOTTINGHAM_ILSS = "NCC-ILSS-2019"
BRADFORD_HOME_SUPPORT = "CBMDC-HS-2016"


def _line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(_line(paragraph) for paragraph in paragraphs)


# --- the wording of the minutes ------------------------------------------------------

WAIVER_MINUTES = _paragraphs(
    "Report CS17121",
    """The Care Services Portfolio Holder introduced a report reviewing the current Mental
    Health Flexible Support service provision delivered by Heritage Care (previously known as
    Community Options) and recommending that the procurement strategy for future provision of
    this service be linked to the joint review of mental health community support services
    being carried out by the Local Authority and Bromley Clinical Commissioning Group.""",
    """The Mental Health Flexible Support service was a specialist service that worked with
    adults with mental ill health to support their independence and resettlement in the
    community. It aimed to move mental health service users away from reliance on hospital
    and residential care towards a new mix of services including supported accommodation and
    independent living, and ensured that Local Authority met its duties regarding the Care
    Programme Approach (CPA) and Aftercare needs of clients discharged from hospital under the
    Mental Health Act 1983.""",
    """In considering the future provision of this service three options had been considered.
    As the needs of the business and end users had not changed significantly since the onset
    of the contract, and the service specification was still considered fit for purpose in
    terms of client support and the flexibility of the service, it was recommended that Option
    Two be progressed. This proposed to exempt the current service from tender for a period of
    18 months with a view to retender the service with a larger portfolio of services after a
    period of service redesign with Local Authority partners, Bromley Clinical Commissioning
    Group and Oxleas NHS Trust. The current service provider was meeting the needs of eligible
    service users and delivering expected outcomes, and was also compliant with the service
    specification and proactive in working with commissioners to get the best outcomes for
    service users.""",
    """In response to a question from a Member, the Commissioning Manager - Older People and
    Adults with Complex Needs confirmed that a strict time frame would be agreed for the
    service redesign which would be project managed. Another Member noted the potential for
    the Mental Health Sustainability and Transformation Plan and the White Paper on Mental
    Health to feed into the service redesign.""",
)
WAIVER_RECOMMENDATION = _line(
    """that the Portfolio Holder be recommended to agree a waiver to
    exempt the current service from tender (Option 2) for a period of 18 months with an option to
    extend for a further six months if required via delegated authority to the responsible Chief
    Officer in consultation with the Portfolio Holder for Care Services."""
)

WAIVER_DECISION_MINUTES = _paragraphs(
    "Report CS17121",
    """The Care Services Portfolio Holder considered report CS17121 on the Mental Health
    Flexible Support service provided by Heritage Care, together with the recommendation of
    the Adult Care and Health Policy Development and Scrutiny Committee of 21 March 2017
    (item 79), and agreed it.""",
    """Demo note: the Portfolio Holder's decision is not in the seed minutes. It is recorded
    as a decision of the Care Services Portfolio Holder on 28 March 2017 (date assumed) so
    that the chain from the committee's recommendation to the waiver can be followed.""",
)

SUPPORT_AT_HOME_GATEWAY_0_MINUTES = _paragraphs(
    "Report ACH22-018",
    """The Executive considered the Gateway 0 report, which advised Members on the procurement
    options for future housing support mental health services in Bromley. The LBB Mental
    Health Flexible Support Service contract and the South East London Integrated Care Board
    (SELICB) Adult Mental Health Residential and Supported Accommodation Services contract
    would both expire on 30th September 2024 with no further options to extend. The report
    proposed replacing the existing service model with a new joint adult mental health
    recovery and rehabilitation support@home service contract in 2024, underpinned by the
    section 75 agreement between the Local Authority and SELICB, and with a combined total
    contract value estimated at £2.66m per annum, split 50:50 between the Local Authority and
    SELICB.""",
    """Demo note: the minutes of this meeting are not in the seeds. The text is based on the
    summary of the Gateway 0 report in report ACH22-035; the item number is assumed.""",
)
SUPPORT_AT_HOME_GATEWAY_0_DECISION = _line(
    """Approve the replacement of the existing service model
    with a new joint adult mental health recovery and rehabilitation support@home service contract
    in 2024, underpinned by the section 75 agreement between the Local Authority and SELICB, with a
    combined total contract value estimated at £2.66m per annum, split 50:50 between the Local
    Authority and SELICB."""
)

SUPPORT_AT_HOME_GATEWAY_1_MINUTES = _paragraphs(
    "Report ACH22-035",
    """This Committee considered a report which sought Executive approval to commence the
    procurement of the adult mental health recovery and rehabilitation support@home
    service.""",
    """Mental Health recovery and rehabilitation accommodation-based support and floating
    support services aimed to support mental health service users away from reliance on
    hospital and residential provision towards more enabling and cost-effective services such
    as supported accommodation, support in the community and targeted support towards
    independent living. The LBB Mental Health Flexible Support Service contract would expire
    on 30th September 2024. The current contract had been in place since 1st October 2019 and
    had an estimated value of £319k per annum. The contract had no further options to extend
    and had a cumulative value of approximately £1,890k over the 5-year term.""",
    """The South East London Integrated Care Board (SELICB) Adult Mental Health Residential and
    Supported Accommodation Services contract would expire on 30th September 2024. The current
    contract had been in place since 1st April 2019 and had an estimated value of £1,432k per
    annum. The contract had no further extension options remaining and had a cumulative value
    of approximately £6,963k over the 5-year term. In addition, the Local Authority held
    individual placement contracts for clients placed into SELICB contracted provision. In
    2021/22 the combined annual value of these placements was estimated to be approximately
    £1.12m per annum. In total these two services had an estimated combined value more than
    £2.94m per annum.""",
    """The Gateway 0 report (ACH22-018), presented to the Executive on 29th June 2022, advised
    Members on the procurement options for future housing support mental health services in
    Bromley and gained approval to replace the existing service model with a new joint adult
    mental health recovery and rehabilitation support@home service contract in 2024,
    underpinned by the section 75 agreement between the Local Authority and SELICB, and with a
    combined total contract value estimated at £2.66m per annum, split 50:50 between the Local
    Authority and SELICB. The report presented to Members set out the actions relating to
    stakeholder engagement and co-production.""",
    """A Member considered that the proposals seemed logical but asked how staff would be
    impacted and if they would spend more time travelling to visit service users than
    delivering care. The Project Manager – Mental Health, South East London ICB (“Project
    Manager”) said that these were elements that would be built into the specification. It was
    emphasised that this was not a flat procurement of the same services and was instead a part
    of the wider transformation of the housing support pathway. Some of the current
    residential services were de-registering in order to become a supported living
    environment – a benefit of this was residents could gain their own tenancies, essentially
    living in their own homes. This was a change to the model and the way in which client
    groups were supported.""",
    """A Member asked what safeguards were in place to ensure that the appropriate service was
    provided for each service user, rather than the provider delivering what was best for them
    financially. The Project Manager advised that the service provided should be in line with
    the assessed needs of an individual. As part of the wider transformation programme
    additional capacity had been provided by the Social Care Team at Oxleas NHS Foundation
    Trust to work with the provider to undertake reassessments of all individuals who were
    currently receiving services to ensure they were the services required. It was highlighted
    that the opposite was often seen, with the provider wanting the service user to move on to
    a more independent setting, but the current model did not necessarily have the capacity to
    provide this. Looking that the services wholistically it would ensure that the right level
    of support was available to service users in the community rather than filling beds. It
    was about getting the model right and ensuring that up to date assessments were
    undertaken. In response to a further question, the Project Manager said that where
    individuals were living in a co-located building with their own tenancies and just
    receiving community support – when they reach a point in time where they no longer
    required this level of support the oversight dropped away. Having a provider overarching
    all services and facilities there should be a better connection between them and the
    individual, and contact would not automatically be lost when support stopped.""",
    """A Member enquired as to what other London boroughs were doing in relation to this
    service. The Project Manager advised that this proposal was moving in the same direction,
    both locally and nationally. It was noted that providers were used to delivering this
    model of service.""",
    """Demo note: the seed minutes do not give the meeting's date or the item number; 15
    November 2022 and item 8 are assumed.""",
)
SUPPORT_AT_HOME_TENDER = "\n".join(
    _line(line)
    for line in (
        """Approve the commencement of a tender process for the housing support mental health
        services ‘support@home’ contract:""",
        "- for an initial period of 5 years from 1st October 2024 to 30th September 2029;",
        """- with two options to extend for a further period of 2 years from 1st October 2029 to
        30th September 2031 and 1st October 2031 to 30th September 2033;""",
        "- at an estimated total contract value of £23.4m.",
    )
)
SUPPORT_AT_HOME_DELEGATION = _line(
    """Delegate authority to the Chief Officer in consultation with
    the Portfolio Holder to approve the contract extension period(s) on satisfactory achievement of
    the contract performance indicators."""
)

SUPPORT_AT_HOME_EXECUTIVE_MINUTES = _paragraphs(
    "Report ACH22-035",
    """The Executive considered the Gateway 1 report seeking approval to commence the
    procurement of the adult mental health recovery and rehabilitation support@home service,
    a joint service with the South East London Integrated Care Board under the section 75
    agreement, to replace the LBB Mental Health Flexible Support Service and the SELICB Adult
    Mental Health Residential and Supported Accommodation Services contracts, which both
    expire on 30th September 2024. The Executive also considered the recommendations of the
    Adult Care and Health Policy Development and Scrutiny Committee on the report.""",
    """Demo note: the minutes of this meeting are not in the seeds. The decision follows the
    committee's recommendations (seed 000); the date, 30 November 2022, is the one the
    Gateway 1 decision was taken on; the item number is assumed.""",
)

MONITORING_MINUTES = _paragraphs(
    "Report ACH22-044",
    """The Committee considered a report detailing the annual performance of the Mental Health
    Flexible Support Service (MHFSS) which was currently provided by Hestia Housing Support
    Ltd.""",
    """The report provided a summary of how the service had performed to date in addressing the
    requirements of the specification and demonstrating how community-based support was a key
    element in meeting the Council’s statutory duties by preventing the need for more expensive
    accommodation / health-based provision. The Mental Health Flexible Support Service was a
    specialist service for adults with mental ill health, offering and providing support
    towards independent living and resettlement in the community following hospital discharge
    or a diagnosis of mental ill health. The current contract was awarded to Hestia Housing and
    Support, following a competitive tender, and commenced on 1st October 2019. The contract was
    let for 3 years with the option to extend for a further 2 years. The option to extend had
    been exercised and the contract was now in the first year of the 2-year extension.""",
    """The Integrated Strategic Commissioning Officer advised that, to date, the service had
    performed well over the life of the contract. The provider had been very proactive in
    supporting clients. When they had initially taken on the contract, reviews of all clients
    had been completed – this had highlighted a number of clients who were then assessed by the
    care co-ordinators and moved to different services. The provider had also work well with
    the Local Authority and Oxleas NHS Foundation Trust in relation to the safeguarding of
    clients. It was noted that efficiencies had been made without reducing the quality of the
    support and care provided.""",
    """In response to questions, the Integrated Strategic Commissioning Officer stated that
    referrals were made into the service – but if they were assessed as not being suitable for
    the service they would be signposted back to the referrer. It was noted that these
    instances had been reduced as a resource panel had been established and reviewed the cases
    before referral to Hestia. The Head of Service for Community Living Commissioning advised
    that there was a close relationship between the Hestia support workers and the care
    managers that worked directly with the clients – both would feed in the information needed
    to build a holistic package of support which was bespoke to the service user. With regards
    to how success was measured, the Integrated Strategic Commissioning Officer stated that,
    due to the nature of the client group, there would be some clients that would always
    require some level of support. Others would only be in the service for a couple of years
    then would be in a position to move on in stages. Members considered that reassurance
    needed to be provided through figures for comparison. The Head of Service for Community
    Living Commissioning advised that comparative benchmarking data could be circulated to
    Members following the meeting.""",
    """A Member enquired if feedback was gathered from service users. The Integrated Strategic
    Commissioning Officer said that this was something that the provider could be asked to
    submit, however as service users were not always willing to engage so this may be
    challenging. The Head of Service for Community Living Commissioning advised that this was
    an area that they had asked Healthwatch Bromley to look into, but they had not been able to
    meet with service users. It was noted that they could consider the methods being used by
    the provider and look at best practice. The Integrated Strategic Commissioning Officer
    highlighted that there had been low uptake in relation to the consultation held by Experts
    by Experience, however another event was planned to take place next month.""",
    """A Member noted that reference had been made in the report to four individuals that ceased
    services and suggested that it would be useful to gather feedback as to why. The Integrated
    Strategic Commissioning Officer said that this had been due to non-engagement or refusal of
    the service. The provider would then liaise with the care co-ordinator to identify an
    alternative provision. From the information gathered, engagement was usually impacted by a
    dual diagnosis, such as substance misuse. The Director of Public Health highlighted that
    treatment services had clear outcomes and were therefore much easier to gather data –
    however support services were much harder to quantify as individuals often had very
    different packages of support provided to them.""",
    """Another Member considered that there should now be a focus on gathering intelligence and
    ensuring that aspects within the contract were correct. The Director of Adult Social Care
    noted that there had initially been some concerns when the contract was retendered as the
    previous provider had been delivering the service for a long period of time, but the
    current contract provider had performed extremely well.""",
    """Demo note: the seed minutes do not give the meeting's date or the item number. The
    contract was in the first year of its extension (October 2022 to September 2023), so the
    report is placed at the meeting of 15 November 2022 (assumed), as item 9 (assumed).""",
)
MONITORING_NOTED = _line(
    """that the content of the contract monitoring report on the performance
    of Hestia Housing Support Ltd be noted."""
)

ILSS_MINUTES = _paragraphs(
    """Lisa Lopez, Commissioning Manager, presented the report on a proposed new service model
    for Independent Living Support Services, which support citizens to live independently,
    and/or prevent the need for more intensive support.""",
    "Reasons for decision",
    """(1) To provide Adult Social Care Independent Living Support Services, which support
    vulnerable citizens to maintain accommodation, avoid eviction/homelessness, maximise
    income, reduce/avoid debt, manage physical and mental health, and access appropriate
    services. The ILSS support citizens towards greater independence, minimise
    risks/vulnerabilities. The contracts for three of the existing ILSS end on 30th June 2019.
    Therefore new services would need to be in place to commence 1st July 2019 in order to
    provide continuous support.""",
    """(2) To simplify access to the ILSS for both citizens and professionals. The proposed new
    service model includes a single referral point with a ‘triage’ function, to ensure citizens
    are referred to appropriate support. This could include signposting to support from
    voluntary and community organisations, instead of, or as well as the ILSS, maximising the
    value of the services. Services will be easier to access, as citizens and professionals will
    be more aware of services and refer/self-refer into appropriate services when required. The
    ‘triage’ function will also link to community and voluntary sector services, and to Ask
    LIoN, to enable citizens to access other services and support available in the community
    without utilising commissioned services.""",
    """(3) To ensure services are best placed to support the functions of Housing and Adult
    Social Care. The ILSS offer support for citizens who are not eligible for Adult Social Care
    support, as well as providing additional specific support for those who are. The services
    help to prevent escalation of need, in terms of both statutory homelessness provision and
    Adult Social Care. The new proposed service model has been developed in line with feedback
    from Housing and Adult Social Care, as well as citizens and service providers. The services
    align to the Adult Social Care teams, and avoid gaps in provision, particularly for
    vulnerable citizens aged under sixty years old.""",
    """(4) To improve efficiency and value for money in the services we commission. The proposed
    new service model reduces the number of separate services, reducing management costs and
    avoiding unnecessary duplication, whilst retaining specialisms in the services. The
    proposed new service model offers savings of £95,049 per year against the 2018/19 contract
    values.""",
    "Other options considered",
    """Make no changes to the services - re-commission the services at 2018/19 costs. The current
    services are highly regarded, but there are some gaps in eligibility (for example
    vulnerable citizens in their 50s who require support), and duplication of management costs.
    The proposed new service model reduces the number of separate services, reducing management
    costs and avoiding unnecessary duplication, whilst retaining specialisms in the services.
    The proposed new service model offers savings of £95,049 against the 2018/19 contract
    values. If we re-commission the services with the 2018/19 service model and costs there will
    continue to be gaps in service eligibility and the saving will not be realised. Therefore
    this option has been rejected.""",
    """Commission a single Adult Social Care ILSS. The current services have specialisms such as
    supporting adults with learning disabilities. This cohort can require a different approach
    and skill set, particularly when supporting citizens with behaviour that challenges.
    Removing specialised support from this cohort is likely to result in citizens with learning
    disabilities and behaviour that challenges being excluded from services due to their
    behaviour. The citizen is then likely to develop more intensive social care and/or housing
    support needs, and may also come into contact with the criminal justice system. Therefore
    this option has been rejected.""",
    """Do nothing - allow contracts to end and not re-commission services. The current Adult
    Social Care ILSS are valued by both Housing and Adult Social Care colleagues for their
    preventative function for keeping citizens away from more intensive support.
    De-commissioning the Adult Social Care ILSS is likely to result in increased numbers of
    citizens requiring support through Adult Social Care and/or Housing Aid, and increasing
    numbers of citizens that local authorities would have a duty to support due to them being
    at risk of homelessness. Either of these would lead to significantly poorer outcomes for
    the citizen, as well as increased costs to the local authority. Therefore this option has
    been rejected.""",
    """Demo note: the seed minutes do not name the decision maker or give the date, the item
    number or the report's reference. A decision of the Executive Board on 19 February 2019,
    item 7 and reference NCC-EB-2019-ILSS are assumed; the contracts were to start on 1 July
    2019.""",
)
ILSS_EXPENDITURE = _line(
    """approve the expenditure of £5,988,073 over the entirety of the contract
    terms for the provision of the Adult Social Care Independent Living Support Services (ILSS)
    detailed in appendix 1 of the report;"""
)
ILSS_PROCUREMENT = _line(
    """approve the procurement of the Adult Social Care ILSS detailed in
    appendix 1 of the report through an appropriate procurement process, and to award the
    contract(s) for the services based on the outcomes of the procurement process. The approved
    contract(s) would commence on 1 July 2019, for a three year period with an option to extend on
    a two-yearly basis for a further four years (i.e. 3+2+2), to a maximum of 7 years in total;"""
)
ILSS_SIGNING = _line(
    """delegate authority to the Provider Performance and Development Manager to sign
    the final contract(s) to provider that is deemed most suitable to provide these services;"""
)
ILSS_EXTENSIONS = _line(
    """delegate authority to the Provider Performance and Development Manager to
    sign the final contract(s) and agree annual extensions on the basis of performance and budget
    availability."""
)

HOME_SUPPORT_MINUTES = _paragraphs(
    """In line with Council Standing Order 4.7.1 all Contracts with an estimated value of over
    £2m must be reported to the relevant Overview and Scrutiny Committee before inviting
    tenders.""",
    """The Strategic Director, Health and Wellbeing submitted Document “D” which provided details
    of the intention to re-commission Home Support Services within the district.""",
    """A presentation was provided to Members outlining the current situation with Home Support
    Services and issues the authority needed to address. The presentation included the
    following information:""",
    "\n".join(
        f"• {line}"
        for line in (
            "Home Support Services had been retendered under a framework agreement in 2016.",
            "There were 99 CQC registered providers in Bradford.",
            "3,701 people were provided with 35,000 hours per week of home support.",
            "Every week 50 new packages were brokered.",
            "The annual cost of Home Support Services was £43m.",
            "The current framework was due to expire in September 2018 with an option to extend it "
            "for a further 12 months.",
            "The authority had recently made investments in home support.",
            "The market of providers was relatively small in Bradford and there had been a 5% "
            "reduction in providers in the last 12 months.",
            "There was a need for more out of hours home support.",
            "There was a need to improve the number of people who were self-directing their support.",
            "Provision needed to be aligned with localities.",
            "The intention would be for the tender to include a number of small locality contracts "
            "specifically for geographic areas.",
            "Contracts covering smaller areas would allow the recruitment of staff who did not drive.",
            "The intention would be to adopt the principles of the Ethical Care Charter, develop out "
            "of hours services, enhance First Response services and cease the use of 15 minute home "
            "care visits.",
            "Key principles to underpin the approach: focus on dignity, compassion and respect; "
            "individual-led personalised support plans; focus on reablement; embed sustainable "
            "arrangements.",
        )
    ),
    """In response to a Member’s question, it was reported that ceasing the 15 minute home care
    visits was about being more outcome focused rather than time focused. There could be an
    option for a service user to ‘bank’ time to use later if they only required short visits.
    The benefits of locality contracts would mean that the service user saw more of the same
    staff and travel time for staff would be reduced.""",
    """The Strategic Director, Health and Wellbeing stated that significant investments had been
    made to improve the delivery of home care support and she was confident that the service,
    with longer home care visits, could be sustained by working differently and with the use of
    technology to complement the face to face contact. She also, in response to a Member’s
    question, stated that reablement services were offered to people in their own homes but she
    considered there was room to develop the service within a community setting.""",
    """A Member praised the use of technology and stated that it was important to consider its
    use at the beginning of a process, including audio for service users who were blind, and
    embedding it so it was used effectively.""",
    """A Member requested information on the pros and cons of the preferred option (option five)
    within paragraph nine of the report, as it had been provided for all other options but that
    one. In response, the officer apologised for the omission and stated that the pros were that
    the contract would allow for flexibility and the model had worked successfully in Bradford
    previously and the con was that the contracts were smaller so they may not attract some
    larger organisations.""",
    """Following a short discussion on the need and timescale for a further report on Home
    Support Services, it was resolved as below.""",
    """Demo note: the seed minutes do not give the meeting's date or the item number. The
    framework was due to expire in September 2018, so the meeting is placed on 8 March 2018
    (assumed), as item 5 (assumed).""",
)


# --- the loader ---------------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_default_timezone())


class _Demo:
    """Get-or-add helpers that skip what exists and what is dated after `today`."""

    def __init__(self, *, today: date) -> None:
        self.today = today
        self.working_days = WorkingDays()
        self.contracts = {
            contract.reference: contract for contract in Contract.objects.filter(reference__in=REGISTER_REFERENCES)
        }
        self.councils: dict[str, Organisation] = {}
        self.committees: dict[tuple[str, str], Committee] = {}
        for council_name, committees in COMMITTEES.items():
            council = contract_services.organisation_get_or_create(name=council_name, kind=Organisation.Kind.COUNCIL)
            self.councils[council_name] = council
            for name, kind in committees:
                committee = Committee.objects.filter(council=council, name=name).first()
                if committee is None:
                    committee = services.committee_create(council=council, name=name, kind=kind)
                self.committees[council_name, name] = committee

    def committee(self, council: str, name: str) -> Committee:
        return self.committees[council, name]

    def _by_today(self, day: date | None) -> date | None:
        return day if day is not None and day <= self.today else None

    def meeting(self, council: str, committee_name: str, day: date, hour: int, *, venue: str = "") -> Meeting | None:
        """A meeting held on `day`, its agenda published on the statutory deadline;
        an executive's decisions published two working days later. None after today."""
        if day > self.today:
            return None
        committee = self.committee(council, committee_name)
        starts_at = _at(day, hour)
        meeting = Meeting.objects.filter(committee=committee, starts_at=starts_at).first()
        if meeting is not None:
            return meeting
        agenda = agenda_publication_deadline(
            day, clear_days=settings.AGENDA_CLEAR_WORKING_DAYS, working_days=self.working_days
        )
        decisions = None
        if committee.kind in {Committee.Kind.EXECUTIVE, Committee.Kind.PORTFOLIO_HOLDER}:
            decisions = self.working_days.add(day, DECISIONS_PUBLISHED_AFTER_WORKING_DAYS)
        return services.meeting_create(
            committee=committee,
            starts_at=starts_at,
            venue=venue,
            status=Meeting.Status.HELD,
            agenda_published_on=self._by_today(agenda),
            decisions_published_on=self._by_today(decisions),
        )

    def report(self, council: str, reference: str, title: str, contracts: Sequence[str] = (), **values) -> Report:
        organisation = self.councils[council]
        report = Report.objects.filter(council=organisation, reference=reference).first()
        if report is not None:
            return report
        return services.report_create(
            council=organisation,
            reference=reference,
            title=title,
            contracts=[self.contracts[ref] for ref in contracts if ref in self.contracts],
            **values,
        )

    def item(self, meeting: Meeting, number: str, title: str, *, report: Report | None, minutes: str) -> AgendaItem:
        item = meeting.items.filter(number=number).first()
        if item is not None:
            return item
        return services.agenda_item_add(meeting=meeting, number=number, title=title, report=report, minutes=minutes)

    def links(self, *wanted: tuple[str, str]) -> list[services.LinkInput]:
        return [
            services.LinkInput(contract=self.contracts[reference], effect=effect)
            for reference, effect in wanted
            if reference in self.contracts
        ]

    def part(
        self,
        meeting: Meeting,
        item: AgendaItem,
        number: str,
        kind: str,
        text: str,
        *,
        links: Sequence[tuple[str, str]] = (),
        **values,
    ) -> ResolutionPart:
        part = item.parts.filter(number=number).first()
        if part is not None:
            return part
        return services.resolution_part_add(
            meeting=meeting,
            item=item,
            number=number,
            kind=kind,
            text=text,
            links=self.links(*links),
            **values,
        )

    def option_authorised(
        self, part: ResolutionPart, reference: str, order: int, text: str, *, reasons: str, alternatives: str
    ) -> None:
        """An officer decision under `part`'s delegation that exercised option `order`
        of `reference`, dated and signed as the register records the option. Skipped
        when the register has not exercised it, or already links a decision to it."""
        contract = self.contracts.get(reference)
        option = contract.options.filter(order=order).first() if contract else None
        if option is None or option.status != OptionStatus.EXERCISED or option.decided_on is None:
            return
        if option.decided_on > self.today or option.decided_on < part.item.meeting.date:
            return
        if option.decision_links.filter(effect=Effect.EXERCISE_OPTION).exists():
            return
        services.officer_decision_record(
            decision_maker=option.decided_by or part.delegation.to_whom,
            decided_on=option.decided_on,
            text=_paragraphs(
                text,
                """Demo note: the minutes record only the delegation; the decision is dated and
                signed as the contract register records the option.""",
            ),
            today=self.today,
            reasons=reasons,
            alternatives_rejected=alternatives,
            conflicts_of_interest="",
            dispensations="",
            delegation=part.delegation,
            published_on=self._by_today(
                self.working_days.add(option.decided_on, DECISIONS_PUBLISHED_AFTER_WORKING_DAYS)
            ),
            links=[services.LinkInput(contract=contract, effect=Effect.EXERCISE_OPTION, option=option)],
            # The register decided the option with no authority recorded; like a clerk
            # entering the minutes later, the demo confirms this decision as its authority.
            replace_authority=True,
        )


def _bromley_waiver(demo: _Demo) -> None:
    """Seed 001: the PDS Committee recommends a waiver; the Portfolio Holder agrees it and
    delegates its six-month option; the Chief Officer takes the option."""
    pds = demo.meeting(BROMLEY, BROMLEY_PDS, date(2017, 3, 21), 19, venue="Bromley Civic Centre")
    if pds is None:
        return
    title = "Mental Health Flexible Support Contract Extension"
    report = demo.report(BROMLEY, "CS17121", title, contracts=[HERITAGE_CARE_WAIVER], kind=Report.Kind.WAIVER)
    item = demo.item(pds, "79", title, report=report, minutes=WAIVER_MINUTES)
    recommendation = demo.part(
        pds,
        item,
        "1",
        Kind.RECOMMEND,
        WAIVER_RECOMMENDATION,
        recommended_to=demo.committee(BROMLEY, BROMLEY_PORTFOLIO_HOLDER),
        links=[(HERITAGE_CARE_WAIVER, Effect.APPROVE_WAIVER)],
    )

    decision = demo.meeting(BROMLEY, BROMLEY_PORTFOLIO_HOLDER, date(2017, 3, 28), 17)
    if decision is None:
        return
    item = demo.item(decision, "1", title, report=report, minutes=WAIVER_DECISION_MINUTES)
    demo.part(
        decision,
        item,
        "1",
        Kind.APPROVE,
        _line(
            """Agree a waiver to exempt the current Mental Health Flexible Support service, provided by
            Heritage Care, from tender (Option 2) for a period of 18 months."""
        ),
        takes_up=recommendation,
        links=[(HERITAGE_CARE_WAIVER, Effect.APPROVE_WAIVER)],
    )
    delegation = demo.part(
        decision,
        item,
        "2",
        Kind.DELEGATE,
        _line(
            """Delegate authority to the responsible Chief Officer in consultation with the Portfolio
            Holder for Care Services to extend the waiver for a further six months if required."""
        ),
        takes_up=recommendation,
        delegation=services.DelegationInput(
            to_whom="Chief Officer",
            in_consultation_with="Portfolio Holder for Care Services",
            scope="extend the waiver for a further six months if required",
        ),
        links=[(HERITAGE_CARE_WAIVER, Effect.OTHER)],
    )
    demo.option_authorised(
        delegation,
        HERITAGE_CARE_WAIVER,
        1,
        _line(
            """Extend the waiver exempting the Mental Health Flexible Support service (Heritage Care)
            from tender for a further six months, to 30 September 2019, so that the service continues
            until the new contract begins on 1 October 2019."""
        ),
        reasons=_line(
            """The new Mental Health Flexible Support contract begins on 1 October 2019; extending the
            waiver keeps the service running for its clients until then."""
        ),
        alternatives=_line(
            """Letting the service end on 31 March 2019: rejected, as clients would be left without
            support. A short tender for six months: rejected, as it could not be run in time."""
        ),
    )


def _bromley_support_at_home(demo: _Demo) -> None:
    """Seeds 000 and 002: Gateway 0 at the Executive; Gateway 1 recommended by the PDS
    Committee and decided by the Executive, with its delegation; the MHFSS monitoring report."""
    references = [SUPPORT_AT_HOME, MHFSS, SEL_ICB_ACCOMMODATION]
    title = "ADULT MENTAL HEALTH RECOVERY AND REHABILITATION SUPPORT @ HOME SERVICE"

    gateway_0 = demo.meeting(BROMLEY, BROMLEY_EXECUTIVE, date(2022, 6, 29), 19, venue="Bromley Civic Centre")
    if gateway_0 is None:
        return
    report = demo.report(
        BROMLEY,
        "ACH22-018",
        "Housing Support Mental Health Services: Gateway 0 options appraisal",
        contracts=references,
        kind=Report.Kind.GATEWAY,
        gateway_number=0,
    )
    item = demo.item(
        gateway_0,
        "10",
        "Gateway 0: Housing Support Mental Health Services – Procurement Options",
        report=report,
        minutes=SUPPORT_AT_HOME_GATEWAY_0_MINUTES,
    )
    demo.part(
        gateway_0,
        item,
        "1",
        Kind.APPROVE,
        SUPPORT_AT_HOME_GATEWAY_0_DECISION,
        links=[(SUPPORT_AT_HOME, Effect.OTHER), (MHFSS, Effect.OTHER), (SEL_ICB_ACCOMMODATION, Effect.OTHER)],
    )

    pds = demo.meeting(BROMLEY, BROMLEY_PDS, date(2022, 11, 15), 19, venue="Bromley Civic Centre")
    if pds is None:
        return
    executive = demo.committee(BROMLEY, BROMLEY_EXECUTIVE)
    report = demo.report(
        BROMLEY,
        "ACH22-035",
        "Gateway 1: Adult Mental Health Recovery and Rehabilitation Support @ Home Service",
        contracts=references,
        kind=Report.Kind.GATEWAY,
        gateway_number=1,
    )
    item = demo.item(pds, "8", title, report=report, minutes=SUPPORT_AT_HOME_GATEWAY_1_MINUTES)
    recommend_tender = demo.part(
        pds,
        item,
        "i",
        Kind.RECOMMEND,
        SUPPORT_AT_HOME_TENDER,
        recommended_to=executive,
        links=[(SUPPORT_AT_HOME, Effect.APPROVE_TENDER)],
    )
    recommend_delegation = demo.part(
        pds,
        item,
        "ii",
        Kind.RECOMMEND,
        SUPPORT_AT_HOME_DELEGATION,
        recommended_to=executive,
        links=[(SUPPORT_AT_HOME, Effect.OTHER)],
    )

    monitoring = demo.report(
        BROMLEY,
        "ACH22-044",
        "Contract Monitoring Report: Mental Health Flexible Support Service",
        contracts=[MHFSS],
        kind=Report.Kind.CONTRACT_MONITORING,
    )
    # The report put the Hestia contract's monitoring report before the committee.
    considered = list(MonitoringRecord.objects.filter(contract__reference=MHFSS, title=MHFSS_MONITORING_TITLE))
    if considered and not monitoring.monitoring_records.exists():
        services.report_update(
            report=monitoring, contracts=list(monitoring.contracts.all()), monitoring_records=considered
        )
    item = demo.item(
        pds,
        "9",
        "Contract Monitoring Report: Mental Health Flexible Support Service",
        report=monitoring,
        minutes=MONITORING_MINUTES,
    )
    demo.part(pds, item, "1", Kind.NOTE, MONITORING_NOTED, links=[(MHFSS, Effect.NOTE_MONITORING)])

    gateway_1 = demo.meeting(BROMLEY, BROMLEY_EXECUTIVE, date(2022, 11, 30), 19, venue="Bromley Civic Centre")
    if gateway_1 is None:
        return
    item = demo.item(gateway_1, "12", title, report=report, minutes=SUPPORT_AT_HOME_EXECUTIVE_MINUTES)
    demo.part(
        gateway_1,
        item,
        "i",
        Kind.APPROVE,
        SUPPORT_AT_HOME_TENDER,
        takes_up=recommend_tender,
        is_key_decision=True,
        links=[(SUPPORT_AT_HOME, Effect.APPROVE_TENDER)],
    )
    demo.part(
        gateway_1,
        item,
        "ii",
        Kind.DELEGATE,
        SUPPORT_AT_HOME_DELEGATION,
        takes_up=recommend_delegation,
        is_key_decision=True,
        delegation=services.DelegationInput(
            to_whom="Chief Officer",
            in_consultation_with="Portfolio Holder",
            scope="approve the contract extension period(s)",
            condition="on satisfactory achievement of the contract performance indicators",
        ),
        links=[(SUPPORT_AT_HOME, Effect.OTHER)],
    )


def _nottingham_ilss(demo: _Demo) -> None:
    """Seed 003: the four resolutions, and the officer decisions taken under (4)."""
    meeting = demo.meeting(NOTTINGHAM, NOTTINGHAM_EXECUTIVE_BOARD, date(2019, 2, 19), 14)
    if meeting is None:
        return
    report = demo.report(
        NOTTINGHAM,
        "NCC-EB-2019-ILSS",
        "Independent Living Support Services (Adult Social Care)",
        contracts=[NOTTINGHAM_ILSS],
        author_role=(
            "Interim Director for Adult Social Care; Head of Commissioning; Head of Contracting and Procurement"
        ),
    )
    item = demo.item(
        meeting, "7", "Independent Living Support Services (Adult Social Care)", report=report, minutes=ILSS_MINUTES
    )
    demo.part(
        meeting,
        item,
        "1",
        Kind.APPROVE,
        ILSS_EXPENDITURE,
        is_key_decision=True,
        links=[(NOTTINGHAM_ILSS, Effect.CHANGE_VALUE)],
    )
    demo.part(
        meeting,
        item,
        "2",
        Kind.APPROVE,
        ILSS_PROCUREMENT,
        is_key_decision=True,
        links=[(NOTTINGHAM_ILSS, Effect.APPROVE_TENDER), (NOTTINGHAM_ILSS, Effect.AWARD)],
    )
    demo.part(
        meeting,
        item,
        "3",
        Kind.DELEGATE,
        ILSS_SIGNING,
        is_key_decision=True,
        delegation=services.DelegationInput(
            to_whom="Provider Performance and Development Manager",
            scope="sign the final contract(s) to the provider that is deemed most suitable to provide these services",
        ),
        links=[(NOTTINGHAM_ILSS, Effect.OTHER)],
    )
    extensions = demo.part(
        meeting,
        item,
        "4",
        Kind.DELEGATE,
        ILSS_EXTENSIONS,
        is_key_decision=True,
        delegation=services.DelegationInput(
            to_whom="Provider Performance and Development Manager",
            scope="sign the final contract(s) and agree annual extensions",
            condition="on the basis of performance and budget availability",
        ),
        links=[(NOTTINGHAM_ILSS, Effect.OTHER)],
    )
    for order, which in ((1, "first"), (2, "second")):
        demo.option_authorised(
            extensions,
            NOTTINGHAM_ILSS,
            order,
            _line(
                f"""Agree the {which} two-year extension of the Adult Social Care Independent
                Living Support Services contract(s), on the basis of performance and budget
                availability."""
            ),
            reasons=_line(
                """The providers performed well against the contract's measures, and the budget for
                the extension is available."""
            ),
            alternatives=_line(
                """Re-tendering the services: rejected, as the providers are performing well and a
                tender would unsettle the people they support."""
            ),
        )


def _bradford_home_support(demo: _Demo) -> None:
    """Seed 004: Document "D" before the home support tender, and the progress report asked for."""
    meeting = demo.meeting(BRADFORD, BRADFORD_SCRUTINY, date(2018, 3, 8), 16, venue="City Hall, Bradford")
    if meeting is None:
        return
    report = demo.report(
        BRADFORD,
        'Document "D"',
        "Re-commissioning of Home Support Contracts",
        contracts=[BRADFORD_HOME_SUPPORT],
        author_role="Strategic Director, Health and Wellbeing",
    )
    item = demo.item(
        meeting, "5", "RE-COMMISSIONING OF HOME SUPPORT CONTRACTS", report=report, minutes=HOME_SUPPORT_MINUTES
    )
    demo.part(meeting, item, "1", Kind.NOTE, "That the report be noted.", links=[(BRADFORD_HOME_SUPPORT, Effect.OTHER)])
    demo.part(
        meeting,
        item,
        "2",
        Kind.APPROVE,
        "That a progress report on Home Support Services be submitted to Members in December 2019.",
        actions=[
            services.ActionInput(
                text="Submit a progress report on Home Support Services to Members",
                owner="Strategic Director, Health and Wellbeing",
                due_on=date(2019, 12, 31),
            )
        ],
        links=[(BRADFORD_HOME_SUPPORT, Effect.OTHER)],
    )


def _bromley_upcoming_executive(demo: _Demo) -> None:
    """A scheduled Executive meeting about three weeks ahead, agenda not yet published,
    unless one is already scheduled after today."""
    executive = demo.committee(BROMLEY, BROMLEY_EXECUTIVE)
    tomorrow = _at(demo.today + timedelta(days=1), 0)
    if Meeting.objects.filter(committee=executive, starts_at__gte=tomorrow).exists():
        return
    day = demo.today + UPCOMING_MEETING_AFTER
    day += timedelta(days=(_WEDNESDAY - day.weekday()) % 7)
    services.meeting_create(
        committee=executive, starts_at=_at(day, 19), venue="Bromley Civic Centre", status=Meeting.Status.SCHEDULED
    )


@transaction.atomic
def load_committees_demo(*, today: date) -> None:
    """Add the committee side of the seed cases as it stood on `today`, skipping what is there."""
    demo = _Demo(today=today)
    _bromley_waiver(demo)
    _bromley_support_at_home(demo)
    _nottingham_ilss(demo)
    _bradford_home_support(demo)
    _bromley_upcoming_executive(demo)
    load_call_in_demo(demo)
    demo_attendance.load_attendance_demo(today=today)
    load_forward_plan_demo(today=today)
