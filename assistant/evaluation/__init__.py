"""Evaluation: curated question sets and the metrics computed over them."""
