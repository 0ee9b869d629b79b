"""The form renderer writes a <select> exactly as Django's templates do, only faster."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from commissioning.core.renderers import FormRenderer
from contracts.filters import ContractFilter
from contracts.forms import ContractForm
from contracts.models import Provider
from tests.conftest import TODAY, ContractFactory

CHOICES = [
    ("", "Any"),
    ("a&b", 'Care & "Repair" <Ltd>'),
    (3, "Three"),
    ("Group <one>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]),
]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    chosen = forms.ChoiceField(choices=CHOICES, initial="y")
    many = forms.MultipleChoiceField(choices=CHOICES, initial=["a&b", "x"])
    attrs = forms.ChoiceField(
        choices=CHOICES, widget=forms.Select(attrs={"data-x": 'a"b', "disabled": True, "hidden": False})
    )
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


def _both(form_class, **kwargs):
    fast = form_class(renderer=FormRenderer(), **kwargs)
    django = form_class(renderer=DjangoTemplates(), **kwargs)
    return [(str(fast[name]), str(django[name])) for name in fast.fields]


@pytest.mark.parametrize("data", [None, {"plain": "3", "many": ["y"], "attrs": "a&b"}])
def test_it_writes_what_django_writes(data):
    for fast, django in _both(_Form, data=data):
        assert fast == django


def test_it_is_the_site_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


@pytest.mark.django_db
def test_the_register_forms_are_written_the_same():
    contract = ContractFactory()
    Provider.objects.create(name="Hestia & Co <North>")
    pairs = _both(ContractForm, instance=contract)
    assert any("<select" in fast for fast, _ in pairs)
    for fast, django in pairs:
        assert fast == django
    fast = ContractFilter({"provider": str(contract.providers.first().pk)}, today=TODAY).form
    django = ContractFilter({"provider": str(contract.providers.first().pk)}, today=TODAY).form
    fast.renderer, django.renderer = FormRenderer(), DjangoTemplates()
    for name in fast.fields:
        assert str(fast[name]) == str(django[name])
