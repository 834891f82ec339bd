# The Celery app is loaded with Django, so `shared_task` and on-commit enqueues use it.
from bookclub.celery import app as celery_app

__all__ = ["celery_app"]
