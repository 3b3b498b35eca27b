"""Signed links to documents: a link names the user it was made for and expires after 30
minutes; the server also opens it only in that user's signed-in session, so a source viewer
never hands a document to someone who may not read it."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from urllib.parse import quote, urlencode


class DocumentLinks:
    def __init__(self, secret: bytes | None = None, lifetime_s: int = 30 * 60) -> None:
        self._secret = secret or os.urandom(32)
        self._lifetime = lifetime_s

    def _signature(self, username: str, doc_hash: str, expires: int) -> str:
        message = f"{username}\n{doc_hash}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def make(
        self, username: str, doc_hash: str, page: int | None = None, chunk: str | None = None
    ) -> str:
        expires = int(time.time()) + self._lifetime
        query = {"u": username, "exp": expires, "sig": self._signature(username, doc_hash, expires)}
        if chunk:
            query["chunk"] = chunk
        link = f"/documents/{quote(doc_hash)}?{urlencode(query)}"
        if page:
            return f"{link}#page={page}"
        return f"{link}#{quote(chunk)}" if chunk else link

    def verify(self, username: str, doc_hash: str, expires: int, signature: str) -> bool:
        if expires < time.time():
            return False
        expected = self._signature(username, doc_hash, expires)
        return hmac.compare_digest(expected, signature)
