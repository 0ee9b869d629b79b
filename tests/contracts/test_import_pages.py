"""The import pages: upload, match columns, preview, confirm, and the record kept."""

import csv
import io
from datetime import date
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import register_imports
from contracts.models import ColumnMapping, Contract, RegisterImport
from tests.conftest import ContractFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TC_HEADER = (
    "Contract Reference number / ID,Title of the Agreement,Description of goods and services,"
    "Directorate / service responsible,Supplier name,Supplier registered company number,"
    "Supplier registered charity number,SME supplier,VCSE supplier,Contract start date,End date,"
    "Review date,Contract value,Effective Date,Cost centre code"
)
TC_ROWS = [
    "ASC-001,Home care &amp; reablement,Home care in the north,Adult Social Care,Caring Hands Ltd,"
    'gb/1234567,,Yes,No,01/04/2023,31/03/2026,01/10/2025,"£1,200,000.00",31/12/2025,CC12',
    "ASC-002,Day opportunities,,Adult Social Care,Friends of the Day Centre,,1064342,Yes,Yes,"
    '01-Apr-2024,15-Aug-2027,,"250,000",31/12/2025,CC13',
]
URL = reverse("contracts:import_list")
COUNCIL = "London Borough of Bromley"


def tc_file(*rows: str, header: str = TC_HEADER, encoding: str = "cp1252", name: str = "register.csv"):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, file, **data):
    return client.post(URL, {"file": file, "value_basis": "whole", "lead_commissioner": COUNCIL, **data})


@pytest.fixture
def officer_client(client_for, officer):
    return client_for(officer)


def latest() -> RegisterImport:
    return RegisterImport.objects.latest("pk")


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("login") in response["Location"]


def test_a_manager_sees_the_imports_but_cannot_upload(client_for, manager):
    client = client_for(manager)
    assert client.get(URL).status_code == HTTPStatus.OK
    assert "Upload a file" not in client.get(URL).content.decode()
    response = upload(client, tc_file(*TC_ROWS))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not RegisterImport.objects.exists()


def test_an_upload_is_previewed_and_saves_no_contract(officer_client, officer):
    response = upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == record.get_absolute_url()
    assert record.status == RegisterImport.Status.PREVIEW
    assert record.uploaded_by == officer
    assert record.encoding == "Windows-1252"
    assert record.counts["rows"] == 2
    assert record.counts["rejected"] == 0
    assert record.mapping["Cost centre code"] == ""  # unknown columns are ignored
    assert not Contract.objects.exists()
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert "read as Windows-1252" in page
    assert "ASC-001" in page and "ASC-002" in page
    assert "Confirm the import" in page


def test_confirming_imports_every_row_and_keeps_the_record(officer_client, officer, django_capture_on_commit_callbacks):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    # The import runs once the confirmation is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version}
        )
    assert response.status_code == HTTPStatus.FOUND
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert record.confirmed_by == officer
    assert record.counts["created"] == 2
    first = Contract.objects.get(reference="ASC-001")
    assert first.title == "Home care & reablement"
    assert first.start_date == date(2023, 4, 1)
    assert first.end_date == date(2026, 3, 31) or first.initial_end_date == date(2026, 3, 31)
    assert first.review_date == date(2025, 10, 1)
    assert first.directorate == "Adult Social Care"
    provider = first.providers.get()
    assert provider.companies_house_number == "01234567"
    assert provider.is_sme and not provider.is_vcse
    second = Contract.objects.get(reference="ASC-002")
    assert second.end_date == date(2027, 8, 15)
    assert second.providers.get().charity_number == "1064342"
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert "Confirm the import" not in page
    assert "2</strong> contracts added" in page


def test_a_column_matched_by_hand_is_used_and_remembered(officer_client):
    header = TC_HEADER.replace("Contract Reference number / ID", "Agreement code")
    upload(officer_client, tc_file(*TC_ROWS, header=header))
    record = latest()
    assert record.mapping["Agreement code"] == ""
    columns = list(record.mapping)
    data = {
        "version": record.version,
        "value_basis": "whole",
        "as_at": "2025-12-31",
        "remember": "on",
        "lead_commissioner": COUNCIL,
    }
    for index, column in enumerate(columns):
        data[f"column_{index}"] = record.mapping[column]
    data[f"column_{columns.index('Agreement code')}"] = "reference"
    response = officer_client.post(reverse("contracts:import_remap", args=[record.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    record.refresh_from_db()
    assert record.mapping["Agreement code"] == "reference"
    assert record.as_at == date(2025, 12, 31)
    assert [row["reference"] for row in record.report] == ["ASC-001", "ASC-002"]
    assert ColumnMapping.objects.get().field == "reference"
    # Next quarter's file with the same header is matched at once.
    upload(officer_client, tc_file(*TC_ROWS, header=header, name="next-quarter.csv"))
    assert latest().mapping["Agreement code"] == "reference"


def test_two_columns_cannot_both_be_the_reference(officer_client):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    columns = list(record.mapping)
    data = {"version": record.version, "value_basis": "whole", "lead_commissioner": COUNCIL}
    for index, column in enumerate(columns):
        data[f"column_{index}"] = record.mapping[column]
    data[f"column_{columns.index('Cost centre code')}"] = "reference"
    response = officer_client.post(reverse("contracts:import_remap", args=[record.pk]), data, follow=True)
    assert "both read as" in response.content.decode()
    record.refresh_from_db()
    assert record.mapping["Cost centre code"] == ""


def test_rejected_rows_stop_the_import_unless_left_out(officer_client, django_capture_on_commit_callbacks):
    bad = TC_ROWS[1].replace('"250,000"', "(3728)")
    upload(officer_client, tc_file(TC_ROWS[0], bad))
    record = latest()
    assert record.counts["rejected"] == 1
    rejected = [row for row in record.report if row["outcome"] == "rejected"]
    assert rejected[0]["line"] == 3
    confirm = reverse("contracts:import_confirm", args=[record.pk])
    response = officer_client.post(confirm, {"version": record.version}, follow=True)
    assert "1 row is rejected" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.PREVIEW
    assert not Contract.objects.exists()

    columns = list(record.mapping)
    data = {"version": record.version, "value_basis": "whole", "skip_rejected": "on", "lead_commissioner": COUNCIL}
    for index, column in enumerate(columns):
        data[f"column_{index}"] = record.mapping[column]
    officer_client.post(reverse("contracts:import_remap", args=[record.pk]), data)
    record.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(confirm, {"version": record.version})
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert list(Contract.objects.values_list("reference", flat=True)) == ["ASC-001"]


def test_a_stale_confirm_is_refused(officer_client):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    response = officer_client.post(
        reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version - 1}, follow=True
    )
    assert "Someone changed this import" in response.content.decode()
    assert not Contract.objects.exists()
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.PREVIEW


def test_a_file_that_cannot_be_read_is_refused_with_a_reason(officer_client):
    response = upload(officer_client, SimpleUploadedFile("register.xlsx", b"not a spreadsheet"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {
        "file": ["The file is not a spreadsheet that can be read: save it as .xlsx or CSV."]
    }
    assert not RegisterImport.objects.exists()


def test_only_csv_and_xlsx_are_taken(officer_client):
    response = upload(officer_client, SimpleUploadedFile("register.pdf", b"%PDF-1.4"))
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_the_report_downloads_every_row(officer_client):
    bad = TC_ROWS[1].replace('"250,000"', "(3728)")
    upload(officer_client, tc_file(TC_ROWS[0], bad))
    record = latest()
    response = officer_client.get(reverse("contracts:import_report", args=[record.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Reference", "Outcome", "Messages"]
    assert [row[:3] for row in rows[1:]] == [["2", "ASC-001", rows[1][2]], ["3", "ASC-002", "Rejected"]]
    assert "negative" in rows[2][3]


def test_the_preview_page_does_not_grow_with_the_file(officer_client, django_assert_max_num_queries):
    def many(count: int) -> list[str]:
        return [TC_ROWS[0].replace("ASC-001", f"ASC-{n:04d}") for n in range(count)]

    upload(officer_client, tc_file(*many(5)))
    small = latest()
    upload(officer_client, tc_file(*many(300), name="big.csv"))
    big = latest()
    sizes = {}
    for record in (small, big):
        with django_assert_max_num_queries(12):
            response = officer_client.get(record.get_absolute_url())
        sizes[record.pk] = len(response.content)
    assert big.counts["rows"] == 300
    # One page of the report (100 rows) at most, whatever the file holds.
    assert sizes[big.pk] < sizes[small.pk] + 100 * 1500


def test_the_page_shows_progress_while_an_import_runs(officer_client):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    RegisterImport.objects.filter(pk=record.pk).update(status=RegisterImport.Status.RUNNING)
    from django.core.cache import caches

    caches["progress"].set(f"register-import-{record.pk}", (1, 2))
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert '<progress id="progress-bar" class="w-100" max="2" value="1">' in page
    assert 'http-equiv="refresh"' in page


def test_an_import_reports_its_progress_as_it_saves(officer_client, django_capture_on_commit_callbacks):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    seen = []
    original = register_imports.caches["progress"].set

    def spy(key, value, *args, **kwargs):
        seen.append(value)
        return original(key, value, *args, **kwargs)

    register_imports.caches["progress"].set = spy
    try:
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version})
    finally:
        register_imports.caches["progress"].set = original
    assert seen and seen[-1] == (2, 2)
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert Contract.objects.filter(reference="ASC-001").exists()


def test_run_imports_runs_an_import_left_waiting(officer_client):
    from django.core.management import call_command

    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    # Confirmed, but its process stopped before it began.
    RegisterImport.objects.filter(pk=record.pk).update(status=RegisterImport.Status.QUEUED)
    out = io.StringIO()
    call_command("run_imports", stdout=out)
    assert "Finished 1 import left waiting or stopped." in out.getvalue()
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert Contract.objects.count() == 2


def test_a_large_import_is_saved_by_a_job(officer_client, settings, django_capture_on_commit_callbacks, monkeypatch):
    from contracts import tasks

    settings.IMPORT_BACKGROUND_ROWS = 1
    upload(officer_client, tc_file(*TC_ROWS[:1]))
    record = latest()
    assert record.status == RegisterImport.Status.PREVIEW  # one row: read in the request
    queued = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda record_id: queued.append(record_id))
    RegisterImport.objects.filter(pk=record.pk).update(counts={**record.counts, "rows": 2})
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version}, follow=True
        )
    assert queued == [record.pk]
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.QUEUED
    page = response.content.decode()
    assert "The import is running; this page shows its progress." in page
    assert "Saving rows: 0 of 2" in page
    assert 'http-equiv="refresh"' in page

    # The job (run here at once, as without a broker) saves it.
    assert tasks.run_import.apply(args=[record.pk]).get() == RegisterImport.Status.DONE
    record.refresh_from_db()
    assert (record.status, record.counts["created"]) == (RegisterImport.Status.DONE, 1)
    assert list(Contract.objects.values_list("reference", flat=True)) == ["ASC-001"]
    # Run twice (a worker stopped after saving it), it saves nothing more.
    assert tasks.run_import.apply(args=[record.pk]).get() == RegisterImport.Status.DONE
    assert Contract.objects.count() == 1


def test_a_large_file_is_read_in_the_background(officer_client, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks() as queued:
        response = upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    assert response["Location"] == record.get_absolute_url()
    assert (record.status, record.counts, record.report) == (RegisterImport.Status.READING, {"rows": 2}, [])
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert "Being read" in page
    assert "Reading rows: 0 of 2" in page
    assert 'http-equiv="refresh"' in page
    assert 'id="confirm-form"' not in page and 'id="import-report"' not in page

    from django.core.cache import caches

    caches["progress"].set(f"register-import-{record.pk}", (1, 2))
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert '<progress id="progress-bar" class="w-100" max="2" value="1">' in page

    for callback in queued:  # the job, run at once as without a broker
        callback()
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.PREVIEW
    assert (record.counts["rows"], record.counts["create"]) == (2, 2)
    assert [row["reference"] for row in record.report] == ["ASC-001", "ASC-002"]
    assert caches["progress"].get(f"register-import-{record.pk}") is None
    page = officer_client.get(record.get_absolute_url()).content.decode()
    assert 'id="confirm-form"' in page and 'http-equiv="refresh"' not in page
    assert not Contract.objects.exists()


def test_a_large_file_is_read_again_in_the_background(officer_client, settings, django_capture_on_commit_callbacks):
    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    settings.IMPORT_BACKGROUND_ROWS = 1
    mapping = {f"column_{index}": field for index, field in enumerate(record.mapping.values())}
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("contracts:import_remap", args=[record.pk]),
            {**mapping, "value_basis": "annual", "lead_commissioner": COUNCIL, "version": record.version},
            follow=True,
        )
    assert "The file is being read again with your choices" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.value_basis, record.counts["rows"]) == (RegisterImport.Status.PREVIEW, "annual", 2)
    assert record.version == 3  # changed by the page, then by the job


def test_a_file_the_job_cannot_read_is_marked_failed(officer_client, settings, monkeypatch):
    settings.IMPORT_BACKGROUND_ROWS = 1

    def broken(**kwargs):
        raise ValueError("the reader broke")

    upload(officer_client, tc_file(*TC_ROWS))  # its job is not run: no commit in this test
    record = latest()
    monkeypatch.setattr(register_imports, "import_preview", broken)
    register_imports.import_read(record_id=record.pk)
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.FAILED
    assert record.error == "The file could not be read: the reader broke"
    assert "The file could not be read" in officer_client.get(record.get_absolute_url()).content.decode()


def test_run_imports_reads_an_upload_left_being_read(officer_client, settings):
    from django.core.management import call_command

    settings.IMPORT_BACKGROUND_ROWS = 1
    upload(officer_client, tc_file(*TC_ROWS))  # its job is not run: no commit in this test
    record = latest()
    assert record.status == RegisterImport.Status.READING
    call_command("run_imports", stdout=io.StringIO())
    record.refresh_from_db()
    assert (record.status, record.counts["create"]) == (RegisterImport.Status.PREVIEW, 2)


def test_an_import_whose_job_cannot_be_queued_waits_for_run_imports(
    officer_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.management import call_command
    from kombu.exceptions import OperationalError

    from commissioning.celery import app
    from contracts import tasks

    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    settings.IMPORT_BACKGROUND_ROWS = 1

    def broker_down(*args):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import, "delay", broker_down)
    app.conf.task_always_eager = False  # as with a broker configured
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(
                reverse("contracts:import_confirm", args=[record.pk]), {"version": record.version}, follow=True
            )
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == HTTPStatus.OK
    assert "The import is running; this page shows its progress." in response.content.decode()
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.QUEUED
    monkeypatch.undo()
    call_command("run_imports", stdout=io.StringIO())
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.DONE
    assert Contract.objects.count() == 2


def test_run_imports_marks_an_import_whose_process_stopped_as_failed(officer_client):
    from django.core.management import call_command
    from django.utils import timezone

    upload(officer_client, tc_file(*TC_ROWS))
    record = latest()
    RegisterImport.objects.filter(pk=record.pk).update(
        status=RegisterImport.Status.RUNNING, confirmed_at=timezone.now() - register_imports.STOPPED_AFTER * 2
    )
    call_command("run_imports", stdout=io.StringIO())
    record.refresh_from_db()
    assert record.status == RegisterImport.Status.FAILED
    assert "saved nothing" in record.error
    assert not Contract.objects.exists()


def _upload_and_preview_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, tc_file(*TC_ROWS))
        assert response.status_code == HTTPStatus.FOUND
        assert client.get(response["Location"]).status_code == HTTPStatus.OK
    return [query["sql"] for query in queries.captured_queries]


def test_the_upload_and_preview_do_not_grow_with_the_register(officer_client):
    ContractFactory.create_batch(10, lead_commissioner=OrganisationFactory(name=COUNCIL))
    small = _upload_and_preview_queries(officer_client)
    ContractFactory.create_batch(290)
    large = _upload_and_preview_queries(officer_client)
    assert Contract.objects.count() == 300
    assert len(large) == len(small), "\n".join(large)
    assert latest().counts["create"] == 2
