"""Uploaded documents: what is accepted, and files that outlive a failed save.

A document is accepted when its name ends in one of the formats councils use
for committee papers and contract documents (PDF, Word, Excel, OpenDocument)
and its first bytes are those of that format, so a renamed program or web page
is refused; and when it is no larger than `UPLOAD_MAX_BYTES`.

A file field stores its file when the row is saved, before the transaction
commits. `atomic_with_files` is an atomic block that deletes the files stored
inside it (through `store`) when it rolls back, so no file is left in
storage that no row points to.
"""

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from commissioning.core.formatting import format_bytes


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    kind: str  # how its first bytes are recognised: "pdf", "ole", "ooxml" or "odf"
    part: str = ""  # ooxml: the folder its main part is in; odf: its mimetype


FORMATS = {
    ".pdf": Format("PDF", "application/pdf", "pdf"),
    ".doc": Format("Word", "application/msword", "ole"),
    ".docx": Format(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml",
        "word/",
    ),
    ".xls": Format("Excel", "application/vnd.ms-excel", "ole"),
    ".xlsx": Format("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml", "xl/"),
    ".odt": Format(
        "OpenDocument text",
        "application/vnd.oasis.opendocument.text",
        "odf",
        "application/vnd.oasis.opendocument.text",
    ),
    ".ods": Format(
        "OpenDocument spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "odf",
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
}
ACCEPTED = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx) or OpenDocument (.odt, .ods)"
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def format_of(name: str) -> Format | None:
    return FORMATS.get(PurePath(name).suffix.lower())


def validate_document(file) -> None:
    """Refuse a file that is not an accepted document, with a message that says why."""
    name = PurePath(file.name).name
    document = format_of(name)
    if document is None:
        raise ValidationError(f"“{name}” cannot be added: files must be {ACCEPTED}.", code="format")
    size = file.size
    if size == 0:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {format_bytes(size)}; the largest file accepted is {format_bytes(settings.UPLOAD_MAX_BYTES)}.",
            code="size",
        )
    if not _looks_like(file, document):
        raise ValidationError(
            f"The contents of “{name}” are not {document.name}, though its name says so. "
            "Save it again from the program that made it and add that copy.",
            code="content",
        )


def _looks_like(file, document: Format) -> bool:
    file.seek(0)
    try:
        head = file.read(8)
        if document.kind == "pdf":
            return head.startswith(b"%PDF-")
        if document.kind == "ole":
            return head == _OLE
        if not head.startswith(b"PK\x03\x04"):
            return False
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if document.kind == "ooxml":
                    return "[Content_Types].xml" in names and any(n.startswith(document.part) for n in names)
                # OpenDocument: the first entry is "mimetype", holding the format's media type.
                return names[:1] == ["mimetype"] and archive.read("mimetype").strip() == document.part.encode()
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    finally:
        file.seek(0)


# --- files of a save that rolls back --------------------------------------------------------

_stored_here: ContextVar[list[tuple] | None] = ContextVar("stored_here", default=None)


def store(field_file: FieldFile) -> None:
    """Store the uploaded file of an unsaved row now, before the row is saved,
    so that it is deleted if the enclosing `atomic_with_files` block rolls back
    (the save of the row included)."""
    if field_file._committed:
        return
    field_file.save(field_file.name, field_file.file, save=False)
    files = _stored_here.get()
    if files is not None:
        files.append((field_file.storage, field_file.name))


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """`transaction.atomic()`, deleting the files stored in it when it rolls back
    (an exception, or `transaction.set_rollback(True)`). Nested, the inner block
    hands its files to the outer one when it succeeds."""
    outer = _stored_here.get()
    files: list[tuple] = []
    token = _stored_here.set(files)
    try:
        with transaction.atomic():
            yield
            rolled_back = transaction.get_rollback()
    except BaseException:
        _delete(files)
        raise
    else:
        if rolled_back:
            _delete(files)
        elif outer is not None:
            outer.extend(files)
    finally:
        _stored_here.reset(token)


def _delete(files: list[tuple]) -> None:
    for storage, name in files:
        storage.delete(name)
    files.clear()


# --- sending a stored file ---------------------------------------------------------------------


def download(field_file: FieldFile) -> FileResponse:
    """The stored file as a download. The caller has checked the user may see its
    record. The browser is told to save it, never to show it as a page, and not
    to guess its type: a file that is not what its name says cannot run in the site."""
    name = PurePath(field_file.name).name
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing from storage.") from None
    document = format_of(name)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=document.content_type if document else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
