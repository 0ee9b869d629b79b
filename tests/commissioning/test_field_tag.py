"""`{% field %}` writes the markup crispy-forms would, only faster."""

import pytest
from django import forms

from contracts.pickers import ProviderPickerField
from tests.test_record_page_fields import _drawn


class Sample(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Reference"}))
    status = forms.ChoiceField(choices=[("", "Any"), ("live", "Live")], required=False)
    months = forms.IntegerField(min_value=1, required=False, widget=forms.NumberInput(attrs={"class": "narrow"}))
    due = forms.DateField(help_text="The day it falls due.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    provider = ProviderPickerField(required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["q", "status", "months", "due", "notes", "provider"])
@pytest.mark.parametrize(
    "data",
    [None, {"q": "x", "status": "live", "months": "0", "due": "", "provider": "Nobody at all"}],
    ids=["unbound", "with errors"],
)
def test_the_field_tag_writes_what_crispy_writes(name, data):
    crispy, ours = _drawn(Sample, data, name)
    assert ours == crispy
