import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookclub.settings")
application = get_wsgi_application()

from bookclub.warm_up import warm_up_and_freeze  # noqa: E402 - needs the settings above

warm_up_and_freeze()
