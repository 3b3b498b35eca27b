"""Sentence encoders: MiniLM (int8 ONNX or torch), multilingual USE, their ensemble, the test hash embedder."""
