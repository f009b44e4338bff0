"""Release views (to come)."""
