"""The named API endpoints and the functions the tabs and endpoints share."""
