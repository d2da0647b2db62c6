"""gunicorn settings: `gunicorn config.wsgi` reads this file from the project folder.

Run it behind a reverse proxy that buffers requests and responses (nginx, Caddy...): sync
workers are simple and fast, but a slow client would hold one for the whole exchange.
Environment: GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS,
FORWARDED_ALLOW_IPS (see the README).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests mostly wait on PostgreSQL or render templates: 2 per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Import Django once in the master; workers fork from it (less memory, faster restarts).
preload_app = True

# A request that takes longer than this is killed (its worker restarted); connections to
# PostgreSQL time out well before (DATABASE_CONNECT_TIMEOUT), so an outage gives 503 pages.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Restart each worker after this many requests (jittered), bounding any slow leak. Not often:
# a new worker starts with an empty page cache (with DJANGO_CACHE_URL=locmem://, the default).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to the console: the access log on standard output, errors on standard error. One access line per
# request, ending with the id nginx gave it (X-Request-ID; "-" without one), as nginx's and Django's do.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The id is the one nginx sets (deploy/nginx/practices/site.conf overwrites whatever a client sent); only
# a request that reaches gunicorn without nginx, which the deployment never allows, could choose it.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" request=%({x-request-id}i)s'

# No runtime control socket: one per user would clash between instances, and nothing uses it.
control_socket_disable = True
