"""Whole-list CSV exports too large to stream in one request: a background job writes the
file, stored encrypted, and its requester downloads it (rostering.export_jobs.jobs)."""
