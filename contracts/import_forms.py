"""The forms of the import pages: upload a file, then match its columns."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from commissioning.core import dates
from contracts.models import RegisterImport
from contracts.register_file import FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPTED_SUFFIXES = (".csv", ".xlsx")

_AS_AT_HELP = (
    "The day the register describes (its effective date). Options are judged open or lapsed on this day, "
    "never on the day of import. Blank to take it from the file's Effective Date column."
)
_LEAD_HELP = "The organisation for rows that name no lead commissioner: the council whose register this is."
_VALUE_BASIS_HELP = (
    "What a value column means when the file does not say: most published registers give the whole-contract value."
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Register file", help_text="CSV (UTF-8 or Windows-1252) or Excel (.xlsx), with a header row."
    )
    as_at = dates.DateField(label="Register as at", required=False, widget=DATE_WIDGET, help_text=_AS_AT_HELP)
    value_basis = forms.ChoiceField(
        label="The value column is",
        choices=RegisterImport.ValueBasis.choices,
        initial=RegisterImport.ValueBasis.WHOLE,
        widget=forms.RadioSelect,
        help_text=_VALUE_BASIS_HELP,
    )
    lead_commissioner = forms.CharField(label="Council", max_length=200, help_text=_LEAD_HELP)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the most an import takes is "
                f"{filesizeformat(settings.IMPORT_MAX_BYTES)}. Split it, or import it with the command."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class MappingForm(forms.Form):
    """One choice per column of the file, and the choices that change how rows are read."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    as_at = dates.DateField(label="Register as at", required=False, widget=DATE_WIDGET, help_text=_AS_AT_HELP)
    value_basis = forms.ChoiceField(
        label="The value column is",
        choices=RegisterImport.ValueBasis.choices,
        widget=forms.RadioSelect,
        help_text=_VALUE_BASIS_HELP,
    )
    lead_commissioner = forms.CharField(label="Council", max_length=200, required=False, help_text=_LEAD_HELP)
    skip_rejected = forms.BooleanField(label="Import the other rows and leave the rejected ones out", required=False)
    remember = forms.BooleanField(
        label="Remember the columns I matched, for the next file with these headers", required=False, initial=True
    )

    def __init__(self, *args, record: RegisterImport, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": record.version,
                "as_at": record.as_at,
                "value_basis": record.value_basis,
                "lead_commissioner": record.lead_commissioner,
                "skip_rejected": record.skip_rejected,
                "remember": True,
            },
        )
        super().__init__(*args, **kwargs)
        self.headers = list(record.mapping)
        choices = [("", "Ignore this column"), *FIELDS.items()]
        self.column_fields = []
        for index, header in enumerate(self.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or f"(column {index + 1} has no header)",
                choices=choices,
                required=False,
                initial=record.mapping[header],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.column_fields.append(name)

    def columns(self):
        """(header, bound field, its <select>) for the template. The <select> is
        written by the form renderer, in Python: a file of 40 columns has 40 of them
        with some 40 options each. An ignored column's says so."""
        columns = []
        for header, name in zip(self.headers, self.column_fields, strict=True):
            field = self[name]
            ignored = {} if field.value() else {"aria-describedby": f"{field.id_for_label}-ignored"}
            columns.append((header, field, field.as_widget(attrs=ignored)))
        return columns

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[name] for header, name in zip(self.headers, self.column_fields, strict=True)}


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
