"""Library administration, users and roles, backup and restore."""
