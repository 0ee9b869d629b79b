"""`{% kept "name" value ... %} ... {% endkept %}`: a part of a page kept as
written until the register changes (`commissioning.core.register_cache`).

What the part shows must follow only from the register, the day (`today` in
the context) and the values named after the name, such as the query string and
whether the user may change what is listed. Nothing personal goes inside: no
CSRF token, no user's name. With keeping turned off, the part is written on
every request, as though the tag were not there.
"""

from django import template
from django.http import QueryDict

from commissioning.core import register_cache

register = template.Library()


def _stable(value):
    if isinstance(value, QueryDict):
        return register_cache.question_of(value)
    return value


class KeptNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        today = context.get("today")
        if today is None:
            raise template.TemplateSyntaxError("{% kept %} needs `today` in the context: what is kept is for a day.")
        return register_cache.remember(
            f"fragment:{self.name.resolve(context)}",
            lambda: self.nodelist.render(context),
            today=today,
            question=[_stable(value.resolve(context)) for value in self.values],
        )


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} takes a name, then the values what it shows depends on.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
