"""From files to indexed passages: discovery, chunking, the incremental ingestor."""
