"""Loaders: turn a file on disk into a ``LoadedDocument`` with metadata and sections."""

from assistant.documents.loader import SUPPORTED_SUFFIXES, load_document
from assistant.documents.model import LoadedDocument, Section

__all__ = ["SUPPORTED_SUFFIXES", "LoadedDocument", "Section", "load_document"]
