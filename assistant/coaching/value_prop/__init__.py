"""The value proposition coach."""
