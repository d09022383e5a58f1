"""WSGI entry point (used by ``painpath serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "painpath.web.settings")
application = get_wsgi_application()
