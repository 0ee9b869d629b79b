"""The fields that mark an agenda item, a report or a report's file as exempt
information (committees.exempt), shared by their forms."""

from django import forms

from committees.exempt import PARAGRAPH_CHOICES, exemption_errors

EXEMPT_FIELDS = ("is_exempt", "exempt_paragraph", "exempt_reason")


class ExemptFields(forms.Form):
    is_exempt = forms.BooleanField(
        label="Exempt information",
        required=False,
        help_text="Shown only to committee clerks, and never in a public print.",
    )
    exempt_paragraph = forms.ChoiceField(
        label="Paragraph of Schedule 12A",
        choices=[("", "---------"), *PARAGRAPH_CHOICES],
        required=False,
        help_text="Part 1 of Schedule 12A to the Local Government Act 1972.",
    )
    exempt_reason = forms.CharField(
        label="Public interest test",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the public interest in keeping it exempt outweighs the public interest in disclosing it.",
    )

    def clean(self):
        cleaned = super().clean()
        errors = exemption_errors(
            is_exempt=cleaned.get("is_exempt", False),
            paragraph=cleaned.get("exempt_paragraph", ""),
            reason=cleaned.get("exempt_reason", ""),
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned
