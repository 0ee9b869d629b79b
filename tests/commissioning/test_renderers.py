"""The form renderer writes a <select>, an <input> and a <textarea> exactly as Django's templates do, only faster."""

from unittest import mock

import pytest
from django import forms
from django.core import signing
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


class _Fields(forms.Form):
    text = forms.CharField(
        initial='Care & "Repair" <Ltd>', widget=forms.TextInput(attrs={"data-x": "a'b", "autofocus": True})
    )
    blank = forms.CharField(required=False, widget=forms.TextInput(attrs={"hidden": False}))
    safe = forms.CharField(initial=mark_safe("<b>kept</b>"))
    number = forms.DecimalField(initial="2660000.50", localize=False)
    day = forms.DateField(initial="2026-11-30", widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(initial="a&b@example.org")
    hidden = forms.CharField(initial="7", widget=forms.HiddenInput)
    secret = forms.CharField(initial="x", widget=forms.PasswordInput)
    url = forms.URLField(initial="https://example.org/?a=1&b=2", assume_scheme="https")
    note = forms.CharField(initial="Line one\n<two> & three", widget=forms.Textarea(attrs={"rows": 3}))
    empty_note = forms.CharField(required=False, widget=forms.Textarea)
    when = forms.DateTimeField(required=False, widget=forms.DateTimeInput)


def _both(form_class, **kwargs):
    # A version-checked form signs what it showed with the time: both are made in the same second.
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value="1xYAnR"):
        fast = form_class(renderer=FormRenderer(), **kwargs)
        django = form_class(renderer=DjangoTemplates(), **kwargs)
    return [(str(fast[name]), str(django[name])) for name in fast.fields]


@pytest.mark.parametrize("data", [None, {"plain": "3", "many": ["y"], "attrs": "a&b"}])
def test_it_writes_what_django_writes(data):
    for fast, django in _both(_Form, data=data):
        assert fast == django


@pytest.mark.parametrize(
    "data",
    [None, {"text": "x < y", "blank": "", "number": "12", "note": "", "empty_note": " \n", "when": "2026-11-30 09:00"}],
)
def test_it_writes_inputs_and_textareas_as_django_does(data):
    pairs = _both(_Fields, data=data)
    assert any("<textarea" in fast for fast, _ in pairs) and any("<input" in fast for fast, _ in pairs)
    for fast, django in pairs:
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
