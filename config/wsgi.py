import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Each worker loads this module before it takes a connection: do the first request's one-off work now.
from config.warmup import warm  # noqa: E402 - needs the settings configured above

warm()
