import pytest
from django.core.exceptions import ValidationError

from contracts.forms import add_service_errors, contract_form, funding_formset

pytestmark = pytest.mark.django_db


def test_a_service_error_goes_on_the_field_the_funding_rows_or_the_top():
    form = contract_form({})
    funding = funding_formset(data={"funding-TOTAL_FORMS": "0", "funding-INITIAL_FORMS": "0"})
    form.is_valid()
    funding.is_valid()

    add_service_errors(
        form,
        ValidationError({"title": "Give the contract a title.", "funding": "Shares must add up.", "x": "Other."}),
        formsets={"funding": funding},
    )

    assert "Give the contract a title." in form.errors["title"]
    assert list(funding.non_form_errors()) == ["Shares must add up."]
    assert form.non_field_errors() == ["Other."]
