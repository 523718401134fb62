"""WSGI entry point for production servers (`owed.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "owed.settings")
application = get_wsgi_application()
