"""Middleware the whole site shares."""

from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Tells browsers and proxies to keep no copy of any page or download.

    Pages and downloads hold register data, and a shared computer's browser
    cache or a council's caching proxy would otherwise keep them after the
    officer signs out. It covers every response Django makes, not only those
    for signed-in users: the calendar feed is read by its secret address with
    no one signed in. Static files never reach it (WhiteNoise answers them
    first), so they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
