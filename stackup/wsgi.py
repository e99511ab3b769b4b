"""The WSGI application. It keeps no state between requests, so it scales out."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackup.settings.dev")

application = get_wsgi_application()
