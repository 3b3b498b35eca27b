"""Hybrid search: dense and lexical rankings, fused, filtered by access."""
