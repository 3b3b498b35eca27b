"""SQLite helpers shared by the stores."""
