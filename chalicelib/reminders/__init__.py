"""Reminders: when to remind a client (timing) and getting the reminder to them."""
