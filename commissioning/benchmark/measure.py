"""How long the main pages take on the generated register.

`measure` requests each page as a user of the role that uses it (a manager, a
commissioning officer or a committee clerk), through every middleware and the
template, and reports the median and 95th-percentile time and the number of
queries, next to a page that does almost nothing requested by the same role.
"""

import gc
import math
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from commissioning.benchmark.generate import BenchmarkError
from commissioning.benchmark.register_import import transparency_code_csv
from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS, roles_sync
from commissioning.projects.models import CommissioningProject
from committees.models import Meeting
from contracts.models import Contract, RegisterImport
from contracts.register_imports import import_upload

# Each page is measured as the role that uses it, so a page shows the forms and
# buttons that role gets: a clerk's meeting page has its agenda and decision forms,
# an officer's contract page its edit buttons.
ROLES = {MANAGERS: "manager", OFFICERS: "officer", CLERKS: "clerk"}


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


def benchmark_users() -> dict[str, object]:
    """One user per role, by the role's short name."""
    roles_sync()
    users = {}
    for group, role in ROLES.items():
        user, _ = get_user_model().objects.get_or_create(
            username=f"benchmark-{role}", defaults={"first_name": "Benchmark", "last_name": role.title()}
        )
        user.groups.set([Group.objects.get(name=group)])
        users[role] = user
    return users


# --- measurement --------------------------------------------------------------------------------

# The most a page's median may take, in times its role's baseline: the dashboard
# and the lists are read all day long; any other page may take twice as long.
LIST_TARGET = 5
PAGE_TARGET = 10


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: str
    target: int | None = PAGE_TARGET
    # For a POST: makes the form data afresh for each request (an upload is read once).
    post: Callable[[], dict] | None = None
    expect: int = 200


BASELINE = "baseline: sign-in page, signed in"
IMPORT_ROWS = 500


def search_url() -> str:
    """The site's one search."""
    return reverse("search")


def _upload(officer) -> Callable[[], dict]:
    data = transparency_code_csv(IMPORT_ROWS, seed=2)

    def form() -> dict:
        return {
            "file": SimpleUploadedFile("register.csv", data, content_type="text/csv"),
            "value_basis": RegisterImport.ValueBasis.WHOLE,
            "lead_commissioner": "Example Borough Council",
        }

    return form


def pages(users: dict) -> list[Page]:
    """For each role, its baseline first, then the pages it uses. The contract,
    meeting and project are the ones with the most on them, the heaviest of their kind."""
    busiest_contract = Contract.objects.annotate(n=Count("decision_links")).order_by("-n", "pk").first()
    busiest_meeting = Meeting.objects.annotate(n=Count("items__parts")).order_by("-n", "pk").first()
    busiest_project = (
        CommissioningProject.objects.annotate(
            n=Count("incumbent_contracts", distinct=True) + Count("gateway_decisions", distinct=True)
        )
        .order_by("-n", "pk")
        .first()
    )
    contract_list = reverse("contracts:contract_list")
    filtered = contract_list + "?status=live&ends_within=12&sort=-whole_life_value"
    search = search_url()
    found = []
    for role in users:
        # Through every middleware, the session and the user, and base.html with
        # its navigation and the user's roles, but nothing of the register: what
        # any page costs the role before it does its own work.
        found.append(Page(role, BASELINE, reverse("login"), target=None))
    manager, officer, clerk = "manager", "officer", "clerk"
    found += [
        Page(manager, "dashboard", reverse("home"), LIST_TARGET),
        Page(manager, "contract list", contract_list, LIST_TARGET),
        Page(manager, "contract list, filtered", filtered, LIST_TARGET),
        Page(manager, "pipeline", reverse("commissioning:pipeline"), LIST_TARGET),
        Page(manager, "actions", reverse("committees:action_list"), LIST_TARGET),
        Page(manager, "search", search + "?q=extension"),
        # A word no record holds: every text is searched, none stops it early.
        Page(manager, "search, no match", search + "?q=podiatry"),
        Page(officer, "dashboard", reverse("home"), LIST_TARGET),
        Page(officer, "contract list, filtered", filtered, LIST_TARGET),
    ]
    if busiest_contract:
        found += [
            Page(manager, "contract page", busiest_contract.get_absolute_url()),
            Page(officer, "contract page", busiest_contract.get_absolute_url()),
            Page(officer, "contract edit form", reverse("contracts:contract_update", args=[busiest_contract.pk])),
        ]
    found.append(Page(officer, "contract create form", reverse("contracts:contract_create")))
    if busiest_project:
        found += [
            Page(manager, "project page", busiest_project.get_absolute_url()),
            Page(officer, "project page", busiest_project.get_absolute_url()),
            Page(officer, "project edit form", reverse("commissioning:project_update", args=[busiest_project.pk])),
        ]
    found += [
        Page(officer, "project create form", reverse("commissioning:project_create")),
        # Upload and preview: the file is read, its columns matched and every row
        # checked against the register; then the preview page the officer reads.
        Page(
            officer,
            f"import upload and preview, {IMPORT_ROWS} rows",
            reverse("contracts:import_list"),
            target=None,
            post=_upload(users[officer]),
            expect=302,
        ),
        Page(officer, "import preview page", _preview_url(users[officer])),
    ]
    if busiest_meeting:
        found.append(Page(clerk, "meeting page", busiest_meeting.get_absolute_url()))
    found += [
        Page(clerk, "actions", reverse("committees:action_list"), LIST_TARGET),
        Page(clerk, "search", search + "?q=extension"),
    ]
    order = list(users)
    return sorted(found, key=lambda page: order.index(page.role))


def _preview_url(officer) -> str:
    record = import_upload(
        user=officer,
        file_name="register.csv",
        data=transparency_code_csv(IMPORT_ROWS, seed=2),
        as_at=None,
        value_basis=RegisterImport.ValueBasis.WHOLE,
        lead_commissioner="Example Borough Council",
    )
    return record.get_absolute_url()


@dataclass(frozen=True)
class Timing:
    role: str
    name: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    requests: int
    target: int | None
    method: str = "GET"
    # The first request, with no figures kept: as after a write to the register.
    first_ms: float | None = None


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def _request(client: Client, page: Page):
    # As through the HTTPS proxy: with DEBUG off, a plain HTTP request is redirected.
    if page.post:
        response = client.post(page.url, page.post(), secure=True)
    else:
        response = client.get(page.url, secure=True)
    if response.status_code != page.expect:
        raise BenchmarkError(f"{page.url} answered {response.status_code} to the {page.role}, not {page.expect}.")
    return response


class _QueryCounter:
    """Counts the queries run through the connection, keeping none of them."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_page(client: Client, page: Page, *, requests: int) -> Timing:
    """One request to warm up, timed with nothing kept (`register_cache`: as the
    first request after a write to the register), one to count queries, then
    `requests` timed ones."""
    caches["figures"].clear()
    started = time.perf_counter()
    _request(client, page)
    first_ms = (time.perf_counter() - started) * 1000
    queries = _QueryCounter()
    with connection.execute_wrapper(queries):
        _request(client, page)
    gc.collect()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        _request(client, page)
        times.append((time.perf_counter() - started) * 1000)
    return Timing(
        role=page.role,
        name=page.name,
        url=page.url,
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        queries=queries.count,
        requests=requests,
        target=page.target,
        method="POST" if page.post else "GET",
        first_ms=first_ms,
    )


@contextmanager
def _served_like_a_site():
    """Settings the test client needs to be served as a browser would be.

    The client calls itself "testserver". Without `collectstatic`, the manifest
    storage used when DEBUG is off cannot name static files, so plain static
    URLs stand in: the manifest would cost one dictionary lookup per file.
    Imports are previewed in the request and never confirmed, so no job is
    started in the background.
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


def measure(*, users: dict, requests: int) -> list[Timing]:
    """Every page of `pages`, each as its role, the baseline of each role first."""
    with _served_like_a_site():
        clients = {}
        for role, user in users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        try:
            return [measure_page(clients[page.role], page, requests=requests) for page in pages(users)]
        finally:
            # The uploads made on the way are previews, never confirmed: leave a kept database as it was.
            RegisterImport.objects.filter(uploaded_by__in=users.values()).delete()
