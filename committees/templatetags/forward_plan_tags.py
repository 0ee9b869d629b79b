"""`part|key_notice`: a key decision part's notice checked (committees.forward_plan),
for the part card on the meeting and report pages."""

from django import template

from committees.selectors import part_notice_check

register = template.Library()


@register.filter
def key_notice(part):
    """None for a part that is not a key decision, or was not read with its forward plan entries."""
    if not part.is_key_decision or not hasattr(part, "forward_plan_list"):
        return None
    return part_notice_check(part)
