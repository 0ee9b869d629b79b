"""Report files: only the document formats councils use, up to a size limit,
stored through the storage API, sent only to users who may see the report,
and removed again when the save that stored them rolls back."""

import io
import os
import subprocess
import sys
import zipfile
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from commissioning.core import uploads
from committees import services
from committees.models import ReportFile
from tests.committees.factories import ReportFactory

pytestmark = pytest.mark.django_db

OLE = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def _odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Home care"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ACCEPTED = {
    "gateway.pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF",
    "minutes.doc": OLE,
    "report.docx": _ooxml("word/document.xml"),
    "budget.xls": OLE,
    "budget.xlsx": _xlsx(),
    "notes.odt": _odf("application/vnd.oasis.opendocument.text"),
    "prices.ods": _odf("application/vnd.oasis.opendocument.spreadsheet"),
}

REFUSED = {
    # name, content, what the message says
    "setup.exe": (b"MZ\x90\x00", "files must be PDF, Word (.doc, .docx), Excel (.xls, .xlsx) or OpenDocument"),
    "page.html": (b"<html><script>alert(1)</script>", "files must be PDF"),
    "report": (b"%PDF-1.7", "files must be PDF"),
    "fake.pdf": (
        b"<html><script>alert(1)</script></html>",
        "The contents of “fake.pdf” are not PDF, though its name says so",
    ),
    "fake.doc": (b"%PDF-1.7 a PDF renamed", "The contents of “fake.doc” are not Word"),
    "fake.docx": (b"PK\x03\x04 not really a zip", "The contents of “fake.docx” are not Word"),
    "sheet.docx": (_xlsx(), "The contents of “sheet.docx” are not Word"),
    "plain.xlsx": (
        _odf("application/vnd.oasis.opendocument.spreadsheet"),
        "The contents of “plain.xlsx” are not Excel",
    ),
    "text.ods": (
        _odf("application/vnd.oasis.opendocument.text"),
        "The contents of “text.ods” are not OpenDocument spreadsheet",
    ),
    "empty.pdf": (b"", "is empty"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def upload(client, report, name: str, content: bytes, title: str = ""):
    return client.post(
        reverse("committees:report_file_create", args=[report.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("name", ACCEPTED)
def test_each_accepted_format_is_stored(client_for, clerk, media, name):
    report = ReportFactory()
    response = upload(client_for(clerk), report, name, ACCEPTED[name])
    assert response.status_code == HTTPStatus.FOUND
    report_file = ReportFile.objects.get()
    assert report_file.title == name
    assert report_file.file.name.startswith("reports/") and report_file.file.name.endswith(Path(name).suffix)
    assert stored_files(media) == [report_file.file.name]
    assert (media / report_file.file.name).read_bytes() == ACCEPTED[name]


@pytest.mark.parametrize("name", REFUSED)
def test_a_file_that_is_not_an_accepted_document_is_refused(client_for, clerk, media, name):
    content, message = REFUSED[name]
    report = ReportFactory()
    response = upload(client_for(clerk), report, name, content)
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not ReportFile.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(client_for, clerk, media, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    report = ReportFactory()
    content = b"%PDF-1.7\n" + bytes(1024 * 1024)
    response = upload(client_for(clerk), report, "big.pdf", content)
    assert "“big.pdf” is 1.0 MB; the largest file accepted is 1 MB." in response.content.decode()
    assert not ReportFile.objects.exists() and stored_files(media) == []
    assert upload(client_for(clerk), report, "big.pdf", content[: 1024 * 1024]).status_code == HTTPStatus.FOUND


def test_the_limit_defaults_to_20_mb():
    from django.conf import settings

    assert settings.UPLOAD_MAX_BYTES == 20 * 1024 * 1024


def test_the_admin_refuses_what_the_page_refuses():
    # The model field carries the same check, so a file added any other way is checked too.
    report_file = ReportFile(report=ReportFactory(), title="x", file=SimpleUploadedFile("x.pdf", b"<html>"))
    with pytest.raises(ValidationError) as refused:
        report_file.full_clean()
    assert "are not PDF" in refused.value.message_dict["file"][0]


# --- downloads -------------------------------------------------------------------------------


def _stored(name: str = "gateway.pdf") -> ReportFile:
    return services.report_file_add(
        report=ReportFactory(), title="Gateway 1 report", file=SimpleUploadedFile(name, ACCEPTED[name])
    )


@pytest.mark.parametrize("role", ["officer", "clerk", "manager"])
def test_a_user_who_may_see_the_report_downloads_its_file(request, client_for, role):
    report_file = _stored("budget.xlsx")
    response = client_for(request.getfixturevalue(role)).get(
        reverse("committees:report_file_download", args=[report_file.pk])
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="budget.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == ACCEPTED["budget.xlsx"]


def test_the_report_page_links_to_the_download_not_to_media(client_for, clerk):
    report_file = _stored()
    html = client_for(clerk).get(report_file.report.get_absolute_url()).content.decode()
    assert f'href="{reverse("committees:report_file_download", args=[report_file.pk])}"' in html
    assert "/media/" not in html


def test_a_user_with_no_role_gets_404(client_for, nobody):
    report_file = _stored()
    response = client_for(nobody).get(reverse("committees:report_file_download", args=[report_file.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"%PDF" not in response.content


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    report_file = _stored()
    response = client.get(reverse("committees:report_file_download", args=[report_file.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_an_unknown_file_or_one_missing_from_storage_is_404(client_for, clerk):
    report_file = _stored()
    client = client_for(clerk)
    assert client.get(reverse("committees:report_file_download", args=[report_file.pk + 1])).status_code == 404
    default_storage.delete(report_file.file.name)
    assert client.get(reverse("committees:report_file_download", args=[report_file.pk])).status_code == 404


def test_files_are_not_served_from_the_media_address(client_for, clerk, settings):
    report_file = _stored()
    assert client_for(clerk).get(f"/{settings.MEDIA_URL}{report_file.file.name}").status_code == 404


# --- a save that rolls back ---------------------------------------------------------------------


def test_a_file_stored_by_a_save_that_rolls_back_is_deleted(media):
    report = ReportFactory()
    with pytest.raises(RuntimeError), uploads.atomic_with_files():
        services.report_file_add(report=report, title="", file=SimpleUploadedFile("a.pdf", b"%PDF-1.7"))
        assert len(stored_files(media)) == 1
        raise RuntimeError("a later step of the same save fails")
    assert not ReportFile.objects.exists()
    assert stored_files(media) == []


def test_a_file_of_a_transaction_marked_for_rollback_is_deleted(media):
    report = ReportFactory()
    with uploads.atomic_with_files():
        services.report_file_add(report=report, title="", file=SimpleUploadedFile("a.pdf", b"%PDF-1.7"))
        transaction.set_rollback(True)
    assert not ReportFile.objects.exists()
    assert stored_files(media) == []


def test_a_file_whose_row_the_database_refuses_is_deleted(media, monkeypatch):
    report = ReportFactory()

    def refuse(self, *args, **kwargs):
        raise IntegrityError("the database refused the row")

    monkeypatch.setattr(ReportFile, "save", refuse)
    with pytest.raises(IntegrityError):
        services.report_file_add(report=report, title="", file=SimpleUploadedFile("a.pdf", b"%PDF-1.7"))
    assert not ReportFile.objects.exists()
    assert stored_files(media) == []


def test_a_file_of_a_save_that_commits_is_kept(media):
    report = ReportFactory()
    with uploads.atomic_with_files():
        report_file = services.report_file_add(report=report, title="", file=SimpleUploadedFile("a.pdf", b"%PDF-1.7"))
    assert stored_files(media) == [report_file.file.name]


# --- storage ------------------------------------------------------------------------------------


def _default_storage_with(env: dict) -> str:
    code = (
        "import os; os.environ.setdefault('SECRET_KEY', 'x');"
        "from commissioning import settings; print(settings.STORAGES['default']['BACKEND']);"
        "print(settings.STORAGES['default'].get('OPTIONS', {}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return result.stdout


def test_files_go_to_the_file_system_by_default():
    assert _default_storage_with({}).startswith("django.core.files.storage.FileSystemStorage")


def test_files_go_to_an_s3_compatible_bucket_when_one_is_named():
    out = _default_storage_with(
        {"AWS_STORAGE_BUCKET_NAME": "council-papers", "AWS_S3_ENDPOINT_URL": "https://objects.example.org"}
    )
    backend, options = out.splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert "'bucket_name': 'council-papers'" in options
    assert "'endpoint_url': 'https://objects.example.org'" in options
    assert "'default_acl': None" in options and "'file_overwrite': False" in options
    from storages.backends.s3 import S3Storage  # the dependency is installed

    assert S3Storage(bucket_name="council-papers").bucket_name == "council-papers"


def test_the_admin_lists_a_report_s_files_with_the_checked_download_link(client, django_user_model):
    report_file = _stored()
    admin = django_user_model.objects.create_superuser(username="admin", password="pw", email="a@example.org")
    client.force_login(admin)
    html = client.get(reverse("admin:committees_report_change", args=[report_file.report.pk])).content.decode()
    assert f'href="{reverse("committees:report_file_download", args=[report_file.pk])}"' in html
    assert "/media/" not in html
