"""Monitoring views (to come)."""
