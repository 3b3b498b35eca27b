"""Helpers the tests share: documents, fakes, servers, the browser."""
