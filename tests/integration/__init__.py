"""Real models, Chroma, llama.cpp, files and subprocesses."""
