"""Is an uploaded file what its name says? One check for every upload (lesson files, resources).

The name's extension is what the site later serves the file as, so the content must match it:
- the first bytes are that type's signature;
- an Office file (DOCX, PPTX, XLSX) is a ZIP archive holding that kind's parts, not any ZIP renamed;
- a PDF or an image holds no HTML: a PDF/HTML polyglot opens as a web page (with its scripts) wherever
  it is served or saved as HTML.
"""

import re
import zipfile
from pathlib import Path
from typing import IO

ZIP_SIGNATURE = b"PK\x03\x04"
SIGNATURES: dict[str, bytes] = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": ZIP_SIGNATURE,
    ".pptx": ZIP_SIGNATURE,
    ".xlsx": ZIP_SIGNATURE,
}
# The parts every Office Open XML file of a kind has (ECMA-376 part 2): the content types and the main part.
OFFICE_PARTS: dict[str, frozenset[str]] = {
    ".docx": frozenset({"[Content_Types].xml", "word/document.xml"}),
    ".pptx": frozenset({"[Content_Types].xml", "ppt/presentation.xml"}),
    ".xlsx": frozenset({"[Content_Types].xml", "xl/workbook.xml"}),
}
# Tags a browser runs as HTML. Long enough that compressed bytes in a real file do not spell them by chance.
HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>/]|script[\s>/]|iframe[\s>/]|object[\s>/]"
    rb"|embed[\s>/]|svg[\s>/]|img[\s/][^>]{0,200}\bon[a-z]+\s*=|meta\s+http-equiv)",
    re.IGNORECASE,
)
CHUNK_BYTES = 1024 * 1024
OVERLAP_BYTES = 256


def file_extension(name: str) -> str:
    return Path(name).suffix.lower()


def content_matches_name(upload: IO[bytes], name: str) -> bool:
    """True when the file's content is a file of the type its name's extension says (see the module)."""
    extension = file_extension(name)
    signature = SIGNATURES.get(extension)
    if signature is None:
        return False
    upload.seek(0)
    try:
        if upload.read(len(signature)) != signature:
            return False
        upload.seek(0)
        if extension in OFFICE_PARTS:
            return _is_office_file(upload, OFFICE_PARTS[extension])
        return not _holds_html(upload)
    finally:
        upload.seek(0)


def _is_office_file(upload: IO[bytes], parts: frozenset[str]) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return parts <= set(archive.namelist())
    except zipfile.BadZipFile:
        return False


def _holds_html(upload: IO[bytes]) -> bool:
    """Scan the whole file in chunks; the overlap catches a tag split between two chunks."""
    tail = b""
    while chunk := upload.read(CHUNK_BYTES):
        if HTML_MARKUP.search(tail + chunk):
            return True
        tail = chunk[-OVERLAP_BYTES:]
    return False
