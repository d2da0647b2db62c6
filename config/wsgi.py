import os

from django.core.wsgi import get_wsgi_application

from config import db_waits

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# This process serves requests: bound its waits on the database (commands such as migrate are not).
db_waits.serve_requests()

application = get_wsgi_application()
