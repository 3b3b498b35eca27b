"""Run an ingest slowly in a child process so a test can SIGKILL it midway."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.ingest.ingestor import Ingestor
from assistant.services import build_services


class SlowHashEmbeddings(HashEmbeddings):
    def embed_array(self, texts):
        time.sleep(0.3)
        return super().embed_array(texts)


def main() -> None:
    data_dir, folder = Path(sys.argv[1]), Path(sys.argv[2])
    services = build_services(Settings(data_dir=data_dir, embeddings="hash"), SlowHashEmbeddings())
    ingestor = Ingestor(services.index, max_tokens=200, max_file_mb=50, group_chunks=1)
    ingestor.ingest([folder], "kb")


if __name__ == "__main__":
    main()
