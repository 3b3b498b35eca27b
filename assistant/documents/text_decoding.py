"""Turn raw bytes into text, refusing binary data with a clear message."""

from __future__ import annotations

from assistant.errors import DocumentError

_ENCODINGS = ("utf-8-sig", "cp950", "big5hkscs", "gb18030")


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return control > len(sample) * 0.05


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (or a common Chinese legacy encoding); refuse binary content."""
    if looks_binary(data):
        raise DocumentError(f"{name}: looks like binary data, not text (wrong extension?)")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name}: text is not valid UTF-8 (or Big5/GB18030); re-save it as UTF-8")
