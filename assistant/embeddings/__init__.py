"""Sentence encoders: MiniLM (int8 ONNX or torch), multilingual USE, their ensemble, and
the hash embedder for tests."""
