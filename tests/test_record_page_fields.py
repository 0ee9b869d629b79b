"""The forms on the contract and project pages are written by `{% field %}`,
which must write what crispy-forms wrote for each of their fields: blank, and
sent back with errors."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from commissioning.projects import services
from commissioning.projects.forms import (
    AppraisedOptionForm,
    DecisionCandidates,
    GatewayPassForm,
    ProjectForm,
    ProjectStepForm,
)
from commissioning.projects.models import Gateway, RequiredStep
from contracts.forms import ContractForm, FundingShareForm, ProviderForm, SpendForm
from tests.conftest import TODAY, ContractFactory, ServiceAreaFactory

pytestmark = pytest.mark.django_db


def _drawn(make_form, data, name: str) -> list:
    """What crispy and `{% field %}` write for the field, each for a form of its
    own (crispy adds its classes to the widget it draws)."""
    crispy = Template("{% load crispy_forms_tags %}{{ form." + name + "|as_crispy_field }}")
    ours = Template("{% load fields %}{% field form." + name + " %}")
    drawn = []
    for template in (crispy, ours):
        form = make_form(data)
        if data is not None:
            assert not form.is_valid()
        drawn.append(parse_html(template.render(Context({"form": form}))))
    return drawn


def _forms() -> dict:
    contract = ContractFactory(start_date=date(2024, 4, 1))
    project = services.project_create(
        title="support@home",
        service_area=ServiceAreaFactory(),
        incumbent_contracts=[contract],
        estimated_annual_value=Decimal("2660000"),
        estimated_term="5+2+2",
    )
    candidates = DecisionCandidates(project)
    gateways = list(Gateway.objects.order_by("number"))
    rules = [
        RequiredStep.objects.create(
            name="Report to scrutiny", kind="other", above_value=Decimal("0"), before_gateway=gateways[1]
        )
    ]
    return {
        "spend": (
            lambda data: SpendForm(data, contract=contract, final_end=date(2029, 3, 31), today=TODAY),
            {"financial_year": "1999", "amount": "-5"},
        ),
        "gateway": (
            lambda data: GatewayPassForm(data, gateways=gateways, candidates=candidates),
            {"gateway": "", "decision": "part:0"},
        ),
        "step": (
            lambda data: ProjectStepForm(data, rules=rules, candidates=candidates, today=TODAY),
            {"rule": "", "done_on": "not a day", "resolution_part": "part:0", "note": "x" * 300},
        ),
        "option": (lambda data: AppraisedOptionForm(data), {"description": "", "outcome": "nonsense"}),
        # The edit and create forms, which write their fields with `{% field %}` too.
        "contract": (
            lambda data: ContractForm(data, adding_provider=True),
            {"reference": "", "title": "", "start_date": "not a day", "annual_value": "-1", "term": "x+"},
        ),
        "project": (lambda data: ProjectForm(data), {"title": "", "estimated_annual_value": "a lot"}),
        "provider": (lambda data: ProviderForm(data), {"name": "", "companies_house_number": "!"}),
        "funding share": (lambda data: FundingShareForm(data), {"organisation": "", "percent": "200"}),
    }


@pytest.mark.parametrize("sent", [False, True], ids=["blank", "with errors"])
def test_the_record_pages_forms_are_written_as_crispy_wrote_them(sent):
    for form_name, (make_form, bad) in _forms().items():
        for name in make_form(None).fields:
            crispy, ours = _drawn(make_form, bad if sent else None, name)
            assert ours == crispy, f"{form_name}.{name}"
