"""Factories for the committee record, built through committees.services so
every record passes the same checks the pages' writes do."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from committees import services
from committees.models import AgendaItem, Committee, Meeting, OfficerDecision, Report, ResolutionPart
from tests.conftest import TODAY, OrganisationFactory

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 19, minute: int = 0) -> datetime:
    """A meeting's start, in London time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


class _ServiceFactory(factory.Factory):
    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Committee records are only made through committees.services.")


class CommitteeFactory(_ServiceFactory):
    class Meta:
        model = Committee

    council = factory.SubFactory(OrganisationFactory, name="London Borough of Bromley")
    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = Committee.Kind.PDS

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.committee_create(**kwargs)


class MeetingFactory(_ServiceFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(lambda: at(date(2022, 11, 30)))
    venue = "Bromley Civic Centre"
    status = Meeting.Status.HELD

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.meeting_create(**kwargs)


class ReportFactory(_ServiceFactory):
    class Meta:
        model = Report

    council = factory.SubFactory(OrganisationFactory, name="London Borough of Bromley")
    # Not the seed reports' "ACH22-0nn": a test that names one never meets a generated one.
    reference = factory.Sequence(lambda n: f"RPT-{n:05d}")
    title = factory.LazyAttribute(lambda o: f"Report {o.reference}")
    kind = Report.Kind.OTHER

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.report_create(**kwargs)


class AgendaItemFactory(_ServiceFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    report = None
    minutes = "The Committee considered a report."

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.agenda_item_add(**kwargs)


class ResolutionPartFactory(_ServiceFactory):
    class Meta:
        model = ResolutionPart

    item = factory.SubFactory(AgendaItemFactory)
    meeting = factory.LazyAttribute(lambda o: o.item.meeting)
    number = factory.Sequence(lambda n: str(n + 1))
    kind = ResolutionPart.Kind.NOTE
    text = "The report be noted."

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.resolution_part_add(**kwargs)


# What a new officer decision record needs besides the decision (Openness Regulations 2014 reg 7).
OD_RECORD = {
    "reasons": "The provider met its performance indicators.",
    "alternatives_rejected": "Re-tendering now: rejected, as the service is performing well.",
}


class OfficerDecisionFactory(_ServiceFactory):
    class Meta:
        model = OfficerDecision

    decision_maker = "Chief Officer, Adult Social Care"
    decided_on = date(2023, 1, 10)
    text = "Approved the first contract extension period."
    reasons = "The provider met its performance indicators."
    alternatives_rejected = "Re-tendering now: rejected, as the service is performing well."
    today = TODAY

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.officer_decision_record(**kwargs)
