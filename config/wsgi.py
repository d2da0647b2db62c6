import os

from django.core.wsgi import get_wsgi_application

from config import db_waits
from config.log import with_request_ids

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# This process serves requests: bound its waits on the database (commands such as migrate are not).
db_waits.serve_requests()

# Each request's log lines carry the id nginx gave it (config/log.py).
application = with_request_ids(get_wsgi_application())
