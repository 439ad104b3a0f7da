"""Which uploaded files a dossier accepts: PDF, JPEG, PNG or plain text, 10 Mo at most.

The type is read from the file's first bytes only. The name and the type the browser sends are
chosen by whoever uploads, so they decide nothing; the name is only cleaned for display and
download, and its extension replaced by the one of the type we found.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 80  # before the extension

PDF, JPEG, PNG, TEXT = "application/pdf", "image/jpeg", "image/png", "text/plain"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", TEXT: ".txt"}
_MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))

UPLOAD_MESSAGES = {
    "empty": "Le fichier est vide. Choisissez un autre fichier",
    "too_large": "Le fichier fait {size_mb} Mo. Il doit faire 10 Mo au plus",
    "type": "Ce type de fichier n’est pas accepté. Choisissez un fichier PDF, JPEG, PNG ou texte",
}

# Control characters other than tab, line feed, vertical tab, form feed and carriage return
# (C0, DEL and C1). Text files may hold a few (a stray escape in a log), binary files hold many.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_RATIO = 0.01

# Markup a browser would render. These files are always served as text/plain attachments with
# nosniff, but we refuse them anyway, in case one is ever served another way. The list is the
# WHATWG MIME-sniffing "HTML" patterns, plus SVG and any doctype or XML prolog (an SVG file
# usually starts with <?xml or <!DOCTYPE svg).
_MARKUP = re.compile(
    r"<(?:!doctype|\?xml|!--|(?:svg|html|head|body|script|iframe|style|title|font|table|div|h1|a|b|br|p)"
    r"(?=[\s>/]|$))",
    re.IGNORECASE,
)

_DIRECTORY = re.compile(r"[/\\]")  # old browsers on Windows send the whole path, C:\Users\...
_EXTENSION = re.compile(r"\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,5}$")  # ".PDF", ".jpeg", not ".2026"
_PUNCTUATION_KEPT = set(" .-_()")


class UploadRefused(ValueError):
    """Why a file is refused: 'empty', 'too_large' (size, size_mb) or 'type'."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details

    @property
    def message(self) -> str:
        """The French sentence for the form."""
        return UPLOAD_MESSAGES[self.code].format(**self.details)


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    clean_name: str
    size: int


def check_upload(filename: str, data: bytes) -> CheckedUpload:
    """Accept a PDF, JPEG, PNG or plain text file of 10 Mo at most, or raise UploadRefused."""
    size = len(data)
    if size == 0:
        raise UploadRefused("empty")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused("too_large", size=size, size_mb=size_in_mb(size))
    content_type = detect_type(data)
    return CheckedUpload(content_type, clean_name(filename, content_type), size)


def detect_type(data: bytes) -> str:
    """The content type read from the bytes, or UploadRefused('type' or 'empty')."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    try:
        text = data.decode("utf-8-sig")  # strict: one invalid sequence and it is not text
    except UnicodeDecodeError:
        raise UploadRefused("type") from None
    if "\x00" in text or _too_many_controls(text):
        raise UploadRefused("type")
    start = text.lstrip()
    if not start:
        raise UploadRefused("empty")  # only a byte order mark, spaces or blank lines
    if _MARKUP.match(start):
        raise UploadRefused("type")
    return TEXT


def _too_many_controls(text: str) -> bool:
    limit = len(text) * _MAX_CONTROL_RATIO
    # Stops at the first control past the limit: 10 Mo of them are not all counted.
    return any(count > limit for count, _ in enumerate(_CONTROL.finditer(text), 1))


def clean_name(filename: str, content_type: str) -> str:
    """A name safe to show and to offer for download, ending with the extension of the type."""
    name = unicodedata.normalize("NFC", _DIRECTORY.split(filename or "")[-1])
    name = re.sub(" {2,}", " ", "".join(_kept(char) for char in name)).strip()
    stem = _EXTENSION.sub("", name)
    if stem.strip(" ."):  # ".env" is a name, not an extension
        name = stem
    name = name.strip(" .")
    name = name[:MAX_NAME_CHARS].rstrip(" .")
    return (name or "document") + EXTENSIONS[content_type]


def _kept(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Zs":  # no-break and other spaces become a plain space
        return " "
    if category.startswith("L") or category == "Nd" or char in _PUNCTUATION_KEPT:
        return char
    return ""  # control and format characters, symbols, slashes, quotes, < >, combining marks


def size_in_mb(size: int) -> str:
    """The size in Mo the French way, rounded up to a tenth so it never reads as the limit."""
    tenths = -(-size * 10 // (1024 * 1024))
    whole, tenth = divmod(tenths, 10)
    return f"{whole}" if tenth == 0 else f"{whole},{tenth}"
