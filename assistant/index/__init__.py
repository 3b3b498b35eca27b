"""The knowledge index: manifest (SQLite), vector store (Chroma), lexical index (BM25)."""
