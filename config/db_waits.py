"""Bounds on how long a web request waits for the database.

libpq bounds connecting (connect_timeout) and the kernel notices a silent network (keepalives,
tcp_user_timeout), but a server, or anything between, that keeps the connection open and never
answers would hold a worker until gunicorn kills it: libpq has no timeout for a reply. So each
call that waits for PostgreSQL (a query, a commit, the health check of a kept connection, connecting)
runs under a deadline (a SIGALRM timer), and one that passes it closes the connection and raises
OperationalError, which the site answers with its 503 page.

Only in processes that serve requests (config/wsgi.py turns it on: gunicorn, runserver) and only in
their main thread (gunicorn's sync workers), since timers are per process; management commands may
run long statements.
"""

import contextvars
import signal
import threading
from contextlib import contextmanager

serving_requests = False
_cap = contextvars.ContextVar("database_wait_cap", default=None)


class DeadlinePassed(Exception):
    """The database did not answer in time (raised from the timer, inside the waiting call)."""


def serve_requests():
    global serving_requests
    serving_requests = True


@contextmanager
def at_most(seconds):
    """Inside, no single wait for the database lasts longer than ``seconds`` (health checks, the page
    cache's version read: better a quick "no" than a slow "yes")."""
    token = _cap.set(seconds)
    try:
        yield
    finally:
        _cap.reset(token)


def limit(seconds):
    cap = _cap.get()
    return seconds if cap is None else min(seconds, cap)


def can_bound():
    return serving_requests and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds):
    """Raise DeadlinePassed inside the block once it has run ``seconds``. Nested blocks keep the outer
    (earlier) deadline."""
    if not seconds or not can_bound() or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield
        return

    def expire(signum, frame):
        raise DeadlinePassed

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
