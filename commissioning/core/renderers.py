"""The form renderer: Django's own, with <select>, <input> and <textarea> written out in Python.

Django renders each <option> of a <select> through two template includes, which
for a list of 500 providers costs more than all the queries of the page; an
<input> or a <textarea> takes two templates too, a cost each form on a record's
page pays again. This renderer writes a plain <select> (Django's `select.html`
with its `select_option.html`), an <input> (`input.html` and the templates that
only include it, such as `text.html`) and a <textarea> (`textarea.html`) to
exactly the HTML those templates make, and hands every other template, and any
<select> whose options use another template, to Django. A test holds the
outputs equal.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's templates that are input.html alone (each only includes it).
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "search",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
    )
)
TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    # As attrs.html: False leaves the attribute out, True writes its name alone.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"  # select_option.html ends with a newline
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _formatted(value) -> str:
    """As `value|stringformat:'s'`, which keeps a safe value safe."""
    text = str(value)
    return mark_safe(text) if isinstance(value, SafeData) else text


def render_input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(_formatted(widget["value"]))}"'
    return mark_safe(
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def render_textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return mark_safe(
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in INPUTS:
                return render_input(widget)
            if template_name == TEXTAREA:
                return render_textarea(widget)
            if template_name == SELECT and all(
                option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options
            ):
                return render_select(widget)
        return super().render(template_name, context, request=request)
