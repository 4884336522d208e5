"""Attachment checks: type from content, size and count limits, safe names, server-named storage."""

import hashlib
import io
import re
import stat
import zipfile

import pytest

from tracker.contributions import files
from tracker.contributions.files import (
    MAX_BYTES,
    MAX_FILES,
    AttachmentRefused,
    CheckedFile,
    check_upload,
    detect_type,
    path_for,
    remove,
    safe_display_name,
    store,
    stored_name,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"


def make_zip(*members: str) -> bytes:
    """A small real zip holding the named members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


DOCX = make_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = make_zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
PPTX = make_zip("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")

VALID = [
    ("report.pdf", PDF, "pdf", "application/pdf"),
    ("chart.png", PNG, "png", "image/png"),
    ("photo.jpg", JPEG, "jpeg", "image/jpeg"),
    ("photo.JPEG", JPEG, "jpeg", "image/jpeg"),
    ("notes.docx", DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pitch.pptx", PPTX, "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]


@pytest.mark.parametrize(("name", "data", "kind", "media_type"), VALID)
def test_each_allowed_type_is_accepted(name, data, kind, media_type):
    checked = check_upload(name, data, already_attached=0)
    assert checked == CheckedFile(
        display_name=name,
        kind=kind,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    assert detect_type(data) == kind


def test_checked_file_is_frozen():
    checked = check_upload("report.pdf", PDF, 0)
    with pytest.raises(AttributeError):
        checked.kind = "png"


def test_display_name_is_stripped():
    assert check_upload("  report.pdf  ", PDF, 0).display_name == "report.pdf"


def test_fifth_attachment_is_accepted_and_sixth_refused():
    assert check_upload("report.pdf", PDF, already_attached=MAX_FILES - 1).kind == "pdf"
    with pytest.raises(AttachmentRefused) as refused:
        check_upload("report.pdf", PDF, already_attached=MAX_FILES)
    assert refused.value.message == "A contribution can have at most 5 attachments"


def test_pdf_renamed_docx_is_refused():
    with pytest.raises(AttachmentRefused) as refused:
        check_upload("report.docx", PDF, 0)
    assert refused.value.message == "report.docx: the file's content does not match its name"


@pytest.mark.parametrize(
    ("name", "data"),
    [("report.exe", PDF), ("chart.jpg", PNG), ("photo.png", JPEG), ("notes.xlsx", DOCX), ("report", PDF)],
)
def test_content_that_does_not_match_the_name_is_refused(name, data):
    with pytest.raises(AttachmentRefused, match="the file's content does not match its name"):
        check_upload(name, data, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56),
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("notes.txt", b"just some text"),
        ("notes.docx", b"just some text"),
    ],
)
def test_disallowed_types_are_refused(name, data):
    with pytest.raises(AttachmentRefused) as refused:
        check_upload(name, data, 0)
    assert refused.value.message == f"{name} is not a PDF, Word, Excel, PowerPoint, PNG or JPEG file"


def test_plain_zip_without_office_parts_is_refused():
    plain = make_zip("readme.txt", "word/other.xml")
    assert detect_type(plain) is None
    with pytest.raises(AttachmentRefused, match="is not a PDF"):
        check_upload("notes.docx", plain, 0)


def test_zip_without_content_types_is_refused():
    assert detect_type(make_zip("word/document.xml")) is None


def test_zip_claiming_two_office_kinds_is_refused():
    assert detect_type(make_zip("[Content_Types].xml", "word/document.xml", "xl/workbook.xml")) is None


def test_broken_zip_is_refused():
    broken = DOCX[: len(DOCX) // 2] + b"\x00" * 10 + DOCX[-22:]
    assert detect_type(broken) is None
    assert detect_type(b"PK\x03\x04 not really a zip") is None
    with pytest.raises(AttachmentRefused, match="is not a PDF"):
        check_upload("notes.docx", broken, 0)


def test_zip_with_junk_in_front_is_refused():
    assert zipfile.is_zipfile(io.BytesIO(b"<html>" + DOCX))  # the stdlib alone would accept it
    assert detect_type(b"<html>" + DOCX) is None


def test_detection_reads_only_names_and_never_extracts(monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    monkeypatch.setattr(zipfile.ZipFile, "read", no_reading)
    assert detect_type(DOCX) == "docx"


def test_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="report.pdf is empty"):
        check_upload("report.pdf", b"", 0)


def test_file_at_the_limit_is_accepted_and_over_it_refused():
    at_limit = PDF + b"\x00" * (MAX_BYTES - len(PDF))
    assert check_upload("report.pdf", at_limit, 0).size == MAX_BYTES
    over = b"%PDF-" + b"\x00" * (MAX_BYTES + 1 - 5)
    assert len(over) == MAX_BYTES + 1
    with pytest.raises(AttachmentRefused) as refused:
        check_upload("report.pdf", over, 0)
    assert refused.value.message == "report.pdf is over 10 MB"


@pytest.mark.parametrize(
    "name",
    [
        "../x.pdf",
        "a/b.pdf",
        "C:\\x.pdf",
        "C:x.pdf",
        "\\\\server\\share\\x.pdf",
        "/etc/passwd",
        "..",
        "x\x00.pdf",
        "x\n.pdf",
        "x\x7f.pdf",
        "invoice\u202egpj.pdf",
        "",
        "   ",
        "a" * 197 + ".pdf",
    ],
)
def test_unsafe_names_are_refused(name):
    with pytest.raises(AttachmentRefused) as refused:
        safe_display_name(name)
    assert refused.value.message
    with pytest.raises(AttachmentRefused):
        check_upload(name, PDF, 0)


def test_names_up_to_200_characters_and_ordinary_punctuation_are_accepted():
    assert safe_display_name("a" * 196 + ".pdf") == "a" * 196 + ".pdf"
    assert safe_display_name("Minutes (final) – 3 May, v2.pdf") == "Minutes (final) – 3 May, v2.pdf"


def test_refusal_messages_do_not_echo_control_characters():
    with pytest.raises(AttachmentRefused) as refused:
        safe_display_name("x\x00.pdf")
    assert "\x00" not in refused.value.message


STORED = re.compile(r"[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|png|jpg)")


@pytest.mark.parametrize(
    ("kind", "extension"),
    [("pdf", "pdf"), ("docx", "docx"), ("xlsx", "xlsx"), ("pptx", "pptx"), ("png", "png"), ("jpeg", "jpg")],
)
def test_stored_name_is_random_hex_and_the_kinds_extension(kind, extension):
    name = stored_name(kind)
    assert STORED.fullmatch(name)
    assert name.endswith("." + extension)


def test_stored_names_are_unique():
    assert len({stored_name("pdf") for _ in range(200)}) == 200


def test_stored_name_refuses_unknown_kind():
    with pytest.raises(ValueError):
        stored_name("exe")


def test_store_and_path_for_round_trip(tmp_path):
    directory = tmp_path / "instance" / "uploads"
    checked = check_upload("not-used-for-the-name.pdf", PDF, 0)
    name = store(directory, checked, PDF)
    assert STORED.fullmatch(name) and name.endswith(".pdf")
    assert "not-used" not in name
    path = path_for(directory, name)
    assert path.parent == directory
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_store_refuses_bytes_other_than_the_checked_ones(tmp_path):
    checked = check_upload("report.pdf", PDF, 0)
    with pytest.raises(ValueError):
        store(tmp_path, checked, PDF + b"tampered")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "stored",
    [
        "../../etc/passwd",
        "abc.pdf",
        "0123456789ABCDEF0123456789ABCDEF.pdf",
        "0123456789abcdef0123456789abcdef.exe",
        "0123456789abcdef0123456789abcdef.jpeg",
        "0123456789abcdef0123456789abcdef.pdf\n",
        "../0123456789abcdef0123456789abcdef.pdf",
        "/tmp/0123456789abcdef0123456789abcdef.pdf",
        "",
    ],
)
def test_path_for_refuses_names_the_server_did_not_make(tmp_path, stored):
    with pytest.raises(AttachmentRefused):
        path_for(tmp_path, stored)


def test_store_never_overwrites(tmp_path, monkeypatch):
    """A name collision raises FileExistsError (the chosen behaviour) and the first file survives."""
    fixed = "0123456789abcdef0123456789abcdef.pdf"
    monkeypatch.setattr(files, "stored_name", lambda kind: fixed)
    first = check_upload("first.pdf", PDF, 0)
    assert store(tmp_path, first, PDF) == fixed
    other = PDF + b"% second\n"
    with pytest.raises(FileExistsError):
        store(tmp_path, check_upload("second.pdf", other, 1), other)
    assert (tmp_path / fixed).read_bytes() == PDF


def test_remove_deletes_and_is_quiet_when_absent(tmp_path):
    name = store(tmp_path, check_upload("chart.png", PNG, 0), PNG)
    assert path_for(tmp_path, name).exists()
    remove(tmp_path, name)
    assert not path_for(tmp_path, name).exists()
    remove(tmp_path, name)
    remove(tmp_path / "never-created", name)


def test_remove_refuses_crafted_names(tmp_path):
    victim = tmp_path / "keep.txt"
    victim.write_text("keep")
    with pytest.raises(AttachmentRefused):
        remove(tmp_path / "uploads", "../keep.txt")
    assert victim.exists()
