from django.test import RequestFactory

from commissioning.core.web import is_filtered, query_without


def test_only_a_filter_with_a_value_makes_a_list_filtered():
    get = RequestFactory().get
    assert not is_filtered(get("/contracts/"))
    assert not is_filtered(get("/contracts/", {"page": "2", "sort": "-title", "as_of": "2026-11-30", "status": ""}))
    assert is_filtered(get("/contracts/", {"page": "2", "status": "live"}))


def test_query_without_keeps_every_other_parameter():
    request = RequestFactory().get("/contracts/", {"page": "2", "sort": "title", "as_of": "2026-11-30"})
    assert query_without(request, "page", "sort") == "as_of=2026-11-30"
