"""Clients of a practice: their profiles, reminder preferences and access links."""
