"""Turn raw bytes into text, refusing binary data with a clear message."""

from __future__ import annotations

import re

from assistant.errors import DocumentError

_ENCODINGS = ("cp950", "big5hkscs", "gb18030")
_DAMAGE = re.compile("\ufffd+")
_SIGNATURES = (
    (b"%PDF-", "a PDF file", ".pdf"),
    (b"PK\x03\x04", "a ZIP package (such as a DOCX file)", ".docx"),
    (b"\x89PNG", "a PNG image", None),
    (b"\xff\xd8\xff", "a JPEG image", None),
    (b"GIF8", "a GIF image", None),
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
    for magic, what, suffix in _SIGNATURES:
        if head.startswith(magic):
            hint = f"; rename it to {suffix}" if suffix else ""
            raise DocumentError(f"{name}: this is {what}, not text (wrong extension?){hint}")


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
        raise DocumentError(f"{name}: looks like binary data, not text (wrong extension?)")
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
    raise DocumentError(f"{name}: text is not valid UTF-8 (or Big5/GB18030); re-save it as UTF-8")
