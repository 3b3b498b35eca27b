"""Coaching: value propositions, metric design and role-play, grounded in the knowledge base."""
