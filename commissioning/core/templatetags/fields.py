"""`{% field form.name %}`: a form field with its label, help and errors, as
crispy-forms' Bootstrap 5 pack lays it out, written in Python.

Lists draw their filter forms on every request; crispy renders each field
through a dozen nested templates, a millisecond or two a field. This writes the
same markup (same ids, classes and ARIA attributes) at a fraction of the cost.
Check boxes and radio buttons, laid out differently, still go through crispy.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_OWN_LAYOUT = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def _widget_classes(widget: forms.Widget) -> str:
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    classes = [*widget.attrs.get("class", "").split(), type(widget).__name__.lower(), bootstrap]
    return " ".join(dict.fromkeys(classes))


@register.simple_tag
def field(bound_field: forms.BoundField):
    if bound_field.is_hidden:
        return str(bound_field)
    if isinstance(bound_field.field.widget, _OWN_LAYOUT):
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(bound_field)
    widget_id = bound_field.auto_id
    attrs = {"class": _widget_classes(bound_field.field.widget)}
    errors = bound_field.errors
    if errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by = [f"{widget_id}_helptext"] if bound_field.help_text else []
        attrs["aria-describedby"] = " ".join([*described_by, f"{widget_id}_error"])
    required = bound_field.field.required
    parts = [
        format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            widget_id,
            " requiredField" if required else "",
            bound_field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        ),
        bound_field.as_widget(attrs=attrs),
    ]
    if errors:
        # crispy writes each error in a <span> for a form with a helper (its
        # error_text_inline), in a <p> for one without.
        helper = getattr(bound_field.form, "helper", None)
        tag = "span" if getattr(helper, "error_text_inline", False) else "p"
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                widget_id,
                format_html_join(
                    "",
                    "<" + tag + ' id="error_{}_{}"><strong>{}</strong></' + tag + ">",
                    ((number, widget_id, error) for number, error in enumerate(errors, start=1)),
                ),
            )
        )
    if bound_field.help_text:
        parts.append(format_html('<div id="{}_helptext" class="form-text">{}</div>', widget_id, bound_field.help_text))
    return format_html('<div id="div_{}" class="mb-3">{}</div>', widget_id, mark_safe("".join(parts)))
