"""WSGI entry point: `gunicorn archive.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# gunicorn imports this module in each worker before the worker accepts a connection:
# the worker opens the index and compiles its templates here, not in a visitor's request.
from archive.views import worker_warm  # noqa: E402

worker_warm()
