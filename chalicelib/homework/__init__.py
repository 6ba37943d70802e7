"""Homework: templates as data (templates, library), answers and scoring, schedules
(recurrence, schedule), and the services that store and serve them.

Import the module you need; this package imports nothing, so `import app` stays cheap.
"""
