"""`{% field %}` writes the markup crispy-forms would, only faster."""

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from contracts.pickers import ProviderPickerField


class Sample(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "Reference"}))
    status = forms.ChoiceField(choices=[("", "Any"), ("live", "Live")], required=False)
    months = forms.IntegerField(min_value=1, required=False, widget=forms.NumberInput(attrs={"class": "narrow"}))
    due = forms.DateField(help_text="The day it falls due.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    provider = ProviderPickerField(required=False)


def _normalised(html: str):
    """The markup as a tree: attributes in any order, class names in any order, blank text ignored."""
    return parse_html(html)


def _both(data, name: str):
    """What crispy and `{% field %}` write for the field, each for a form of its
    own (crispy adds its classes to the widget it draws)."""
    crispy = Template("{% load crispy_forms_tags %}{{ form." + name + "|as_crispy_field }}")
    ours = Template("{% load fields %}{% field form." + name + " %}")
    drawn = []
    for template in (crispy, ours):
        form = Sample(data)
        if data:
            assert not form.is_valid()
        drawn.append(_normalised(template.render(Context({"form": form}))))
    return drawn


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["q", "status", "months", "due", "notes", "provider"])
@pytest.mark.parametrize(
    "data",
    [None, {"q": "x", "status": "live", "months": "0", "due": "", "provider": "Nobody at all"}],
    ids=["unbound", "with errors"],
)
def test_the_field_tag_writes_what_crispy_writes(name, data):
    crispy, ours = _both(data, name)
    assert ours == crispy
