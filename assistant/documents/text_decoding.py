"""Turn raw bytes into text, refusing binary data with a clear message."""

from __future__ import annotations

import re

from assistant.errors import DocumentError
from assistant.notices import Notice

_ENCODINGS = ("cp950", "big5hkscs", "gb18030")
_DAMAGE = re.compile("\ufffd+")
# (leading bytes, notice code, kind of image)
_SIGNATURES = (
    (b"%PDF-", "text_is_pdf", ""),
    (b"PK\x03\x04", "text_is_docx", ""),
    (b"\x89PNG", "text_is_image", "PNG"),
    (b"\xff\xd8\xff", "text_is_image", "JPEG"),
    (b"GIF8", "text_is_image", "GIF"),
)


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return control > len(sample) * 0.05


def _known_format(data: bytes, name: str) -> None:
    """Refuse a PDF, DOCX or image saved under a text extension, naming what it is."""
    head = data.lstrip()[:8]
    for magic, code, kind in _SIGNATURES:
        if head.startswith(magic):
            raise DocumentError(Notice.of(code, name=name, kind=kind))


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged spots (a cut-off character, a bad copy) is read as UTF-8 with
    the damage replaced, not as a legacy Chinese encoding that turns it all into nonsense.
    Big5 or GB18030 text read as UTF-8 has damage in nearly every line and at most about as
    many valid characters as damaged spots (none of the bundled Chinese documents, encoded
    so, passes this test in any window)."""
    text = data.decode("utf-8", errors="replace")
    spots = len(_DAMAGE.findall(text))
    valid = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if spots and valid >= 2 * spots and spots <= max(3, len(text) // 100):
        return text.removeprefix("\ufeff")
    return None


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (or a common Chinese legacy encoding); refuse binary content."""
    _known_format(data, name)
    if looks_binary(data):
        raise DocumentError(Notice.of("text_binary", name=name))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = _mostly_utf8(data)
    if lenient is not None:
        return lenient
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(Notice.of("text_encoding", name=name))
