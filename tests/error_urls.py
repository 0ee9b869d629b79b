"""The site's URLs and one page that fails, for the 500 page's tests."""

from django.urls import path

from commissioning.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def broken_page(request):
    raise RuntimeError("A page that fails, to show the 500 page.")


urlpatterns = [*urlpatterns, path("broken/", broken_page)]
