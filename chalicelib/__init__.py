"""Emotipal: therapy homework for clinicians and their clients."""
