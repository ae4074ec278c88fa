"""Supervision: monthly observations, quarterly evaluations, inspections, rectifications (models added with their pages)."""
