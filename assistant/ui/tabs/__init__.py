"""One module per tab of the web app."""
