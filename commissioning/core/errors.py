"""The pages shown when a request cannot be answered: 403, 404, 405 and 500.

Each says in plain words what happened and offers a way on. The 403, 404 and
405 pages extend the site's base page, so they carry its navigation. The 500
page is rendered with no request and no context processors: whatever broke
(the database, a template tag, a context processor) must not break the page
that says so.
"""

from http import HTTPStatus

from csp.decorators import csp_update
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.template import loader


def page_forbidden(request, exception=None):
    return _page(request, "errors/403.html", HTTPStatus.FORBIDDEN)


def page_not_found(request, exception=None):
    return _page(request, "errors/404.html", HTTPStatus.NOT_FOUND)


# Its styles are inline, since static files may be what failed; the site's
# Content-Security-Policy allows inline styles on this page alone, never scripts.
@csp_update({"style-src": ["'unsafe-inline'"]})
def server_error(request):
    # No RequestContext: the context processors may query the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def _page(request, template: str, status: HTTPStatus, context: dict | None = None):
    return HttpResponse(loader.render_to_string(template, context or {}, request), status=status)


class MethodNotAllowedPage:
    """Turn Django's empty 405 (from `require_POST` and the like) into a page,
    keeping the status and the Allow header that says which methods work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        page = _page(request, "errors/405.html", HTTPStatus.METHOD_NOT_ALLOWED)
        page["Allow"] = response["Allow"]
        return page
