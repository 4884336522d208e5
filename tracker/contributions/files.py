"""Contribution attachments: checked by content, stored under server-made names, never trusted by name."""

import hashlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_NAME_LENGTH = 200

EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "png": "png",
    "jpeg": "jpg",
}

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
}

# The extensions a person's file name may end with for each detected kind.
NAME_EXTENSIONS = {
    "pdf": {".pdf"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "pptx": {".pptx"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}

ALLOWED_DESCRIPTION = "a PDF, Word, Excel, PowerPoint, PNG or JPEG file"

_PDF_SIGNATURE = b"%PDF-"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_ZIP_SIGNATURE = b"PK\x03\x04"
_CONTENT_TYPES = "[content_types].xml"
_OFFICE_MAIN_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    NotImplementedError,
)

_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|png|jpg)")
_DRIVE_LETTER = re.compile(r"[A-Za-z]:")
# Bidirectional overrides and isolates can disguise "invoice\u202egpj.exe" as "invoiceexe.jpg".
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class AttachmentRefused(Exception):
    """An attachment that cannot be accepted, with a message written for people."""

    def __init__(self, message: str):
        """Keep the message for people on `.message` as well as in the exception's args."""
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its display name, kind, media type, size and SHA-256."""

    display_name: str
    kind: str
    media_type: str
    size: int
    sha256: str


def _office_kind(data: bytes) -> str | None:
    """The Office kind of a zip from its member names only (nothing is extracted), or None."""
    if not data.startswith(_ZIP_SIGNATURE):
        return None
    buffer = io.BytesIO(data)
    try:
        if not zipfile.is_zipfile(buffer):
            return None
        buffer.seek(0)
        with zipfile.ZipFile(buffer) as archive:
            names = {name.lower() for name in archive.namelist()}
    except _ZIP_ERRORS:
        return None
    if _CONTENT_TYPES not in names:
        return None
    kinds = [kind for kind, part in _OFFICE_MAIN_PARTS.items() if part in names]
    return kinds[0] if len(kinds) == 1 else None


def detect_type(data: bytes) -> str | None:
    """The attachment kind from the bytes alone ("pdf", "docx", ... "jpeg"), or None if not allowed."""
    if data.startswith(_PDF_SIGNATURE):
        return "pdf"
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data.startswith(_JPEG_SIGNATURE):
        return "jpeg"
    return _office_kind(data)


def safe_display_name(name: str) -> str:
    """The name shown to people, stripped; refuses empty, long, control-character and path-like names."""
    if not isinstance(name, str):
        raise AttachmentRefused("The file has no name")
    if any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F or char in _BIDI_CONTROLS for char in name):
        raise AttachmentRefused("The file name contains control characters; rename the file and try again")
    name = name.strip()
    if not name:
        raise AttachmentRefused("The file has no name")
    if len(name) > MAX_NAME_LENGTH:
        raise AttachmentRefused(f"The file name is over {MAX_NAME_LENGTH} characters; rename it and try again")
    if "/" in name or "\\" in name or ".." in name or _DRIVE_LETTER.match(name):
        raise AttachmentRefused(
            "The file name must not contain folder parts (/, \\, .. or a drive letter); "
            "rename it and try again"
        )
    return name


def check_upload(name: str, data: bytes, already_attached: int) -> CheckedFile:
    """The checked file, or AttachmentRefused saying why: count, name, size, content type, content vs name."""
    if already_attached >= MAX_FILES:
        raise AttachmentRefused(f"A contribution can have at most {MAX_FILES} attachments")
    display_name = safe_display_name(name)
    size = len(data)
    if size == 0:
        raise AttachmentRefused(f"{display_name} is empty")
    if size > MAX_BYTES:
        raise AttachmentRefused(f"{display_name} is over {MAX_BYTES // (1024 * 1024)} MB")
    kind = detect_type(data)
    if kind is None:
        raise AttachmentRefused(f"{display_name} is not {ALLOWED_DESCRIPTION}")
    extension = os.path.splitext(display_name)[1].lower()
    if extension not in NAME_EXTENSIONS[kind]:
        raise AttachmentRefused(f"{display_name}: the file's content does not match its name")
    return CheckedFile(
        display_name=display_name,
        kind=kind,
        media_type=MEDIA_TYPES[kind],
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def stored_name(kind: str) -> str:
    """A fresh server-made file name for `kind`: 32 random hex digits and the kind's extension."""
    if kind not in EXTENSIONS:
        raise ValueError(f"Unknown attachment kind: {kind!r}")
    return secrets.token_hex(16) + "." + EXTENSIONS[kind]


def path_for(directory: Path, stored: str) -> Path:
    """The path of a stored attachment; refuses any name that is not exactly a server-made one."""
    if not isinstance(stored, str) or not _STORED_NAME.fullmatch(stored):
        raise AttachmentRefused("That attachment name is not one the server made")
    return Path(directory) / stored


def _private_opener(path: str, flags: int) -> int:
    """Open for `open()` so that a new attachment file is readable by its owner only."""
    return os.open(path, flags, 0o600)


def store(directory: Path, checked: CheckedFile, data: bytes) -> str:
    """Write `data` to a new server-named file in `directory` and return that name; never overwrites.

    A name collision (odds of 1 in 2**128) raises FileExistsError and leaves the existing file untouched.
    """
    if len(data) != checked.size or hashlib.sha256(data).hexdigest() != checked.sha256:
        raise ValueError("The bytes to store are not the ones that were checked")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = stored_name(checked.kind)
    path = path_for(directory, name)
    created = False
    try:
        with open(path, "xb", opener=_private_opener) as handle:
            created = True
            handle.write(data)
    except BaseException:
        if created:  # a half-written file of ours; an existing file is never touched
            path.unlink(missing_ok=True)
        raise
    return name


def remove(directory: Path, stored: str) -> None:
    """Delete a stored attachment if it is there (to undo a store); refuses names the server did not make."""
    path_for(directory, stored).unlink(missing_ok=True)
