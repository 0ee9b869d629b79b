"""How long the main pages take on the generated register.

`measure` requests each page as a signed-in manager, through every middleware
and the template, and reports the median and 95th-percentile time and the
number of queries, next to a page that does almost nothing.
"""

import gc
import math
import statistics
import time
import warnings
from collections.abc import Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import DatabaseError, connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from commissioning.benchmark.generate import BenchmarkError
from commissioning.core.roles import MANAGERS, roles_sync
from committees.models import Meeting
from contracts.models import Contract

USERNAME = "benchmark-manager"


def settle() -> None:
    """Leave the database as a settled one would be: planner statistics up to
    date and, on PostgreSQL, the generated rows vacuumed and written out, so no
    checkpoint competes with the requests being timed."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute("ANALYZE")
            return
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError:
            pass  # Only superusers and pg_checkpoint members may; the figures are merely noisier.


def benchmark_user():
    """A manager: the dashboard's main reader. Managers cannot change contracts or
    committee records, so the register and committee pages carry no edit forms."""
    roles_sync()
    user, _ = get_user_model().objects.get_or_create(username=USERNAME, defaults={"first_name": "Benchmark"})
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


# --- measurement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: str


BASELINE = "baseline: sign-in page, signed in"


def pages() -> list[Page]:
    """The baseline, then the main pages. The contract and meeting are the ones
    with the most decisions on them, the heaviest of their kind."""
    busiest_contract = Contract.objects.annotate(n=Count("decision_links")).order_by("-n", "pk").first()
    busiest_meeting = Meeting.objects.annotate(n=Count("items__parts")).order_by("-n", "pk").first()
    contract_list = reverse("contracts:contract_list")
    search = reverse("search")
    found = [
        # Through every middleware, the session and the user, and base.html with
        # its navigation and the user's roles, but nothing of the register: what
        # any page costs before it does its own work.
        Page(BASELINE, reverse("login")),
        Page("dashboard", reverse("home")),
        Page("contract list", contract_list),
        Page("contract list, filtered", contract_list + "?status=live&ends_within=12&sort=-whole_life_value"),
    ]
    if busiest_contract:
        found.append(Page("contract page", busiest_contract.get_absolute_url()))
    found.append(Page("pipeline", reverse("commissioning:pipeline")))
    if busiest_meeting:
        found.append(Page("meeting page", busiest_meeting.get_absolute_url()))
    found += [
        Page("actions", reverse("committees:action_list")),
        Page("committee search", search + "?q=extension"),
        # A word no record holds: every text is searched, none stops it early.
        Page("committee search, no match", search + "?q=podiatry"),
    ]
    return found


@dataclass(frozen=True)
class Timing:
    name: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    requests: int


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def _get(client: Client, url: str):
    # As through the HTTPS proxy: with DEBUG off, a plain HTTP request is redirected.
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise BenchmarkError(f"{url} answered {response.status_code}, not 200.")
    return response


class _QueryCounter:
    """Counts the queries run through the connection, keeping none of them."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_page(client: Client, page: Page, *, requests: int) -> Timing:
    """One request to warm up, one to count queries, then `requests` timed ones."""
    _get(client, page.url)
    queries = _QueryCounter()
    with connection.execute_wrapper(queries):
        _get(client, page.url)
    gc.collect()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        _get(client, page.url)
        times.append((time.perf_counter() - started) * 1000)
    return Timing(
        name=page.name,
        url=page.url,
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        queries=queries.count,
        requests=requests,
    )


@contextmanager
def _served_like_a_site():
    """Settings the test client needs to be served as a browser would be.

    The client calls itself "testserver". Without `collectstatic`, the manifest
    storage used when DEBUG is off cannot name static files, so plain static
    URLs stand in: the manifest would cost one dictionary lookup per file.
    """
    with ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        # whitenoise warns once that there is no collectstatic output to serve.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        stack.enter_context(override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]))
        if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.hashed_files:
            plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
            stack.enter_context(override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}))
        yield


def measure(*, user, requests: int) -> list[Timing]:
    with _served_like_a_site():
        client = Client()
        client.force_login(user)
        return [measure_page(client, page, requests=requests) for page in pages()]
