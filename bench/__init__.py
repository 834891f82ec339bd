"""Performance and resilience bench for bookclub (issue #7); run with `python bench/run.py`."""
