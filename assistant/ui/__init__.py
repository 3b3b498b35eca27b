"""The Gradio web app: a thin adapter over the same services as the CLI."""
