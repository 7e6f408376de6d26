"""WSGI entry point: `gunicorn partnerportal.wsgi`."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerportal.settings")

application = get_wsgi_application()
