"""Helpers for tests against the site served by gunicorn on loopback, with production settings.

A scratch database of its own (a temporary SQLite file, or "<name>_served" next to the
PostgreSQL database in DATABASE_URL, dropped afterwards), gunicorn on a free port, a small HTTP
client, and a TCP proxy between gunicorn and PostgreSQL that a test can cut and restore.
"""

import asyncio
import http.client
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import suppress
from html.parser import HTMLParser
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
CURATOR = ("served-curator", "served-curator-password-1")


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def production_env(database_url, static_root, **overrides):
    """config.settings as in production, but on plain HTTP on loopback."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DATABASE_URL": database_url,
            **overrides,
        }
    )
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class ScratchDatabase:
    """A database for the served site: migrated, seeded, with a curator account."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        configured = os.environ.get("DATABASE_URL", "")
        if configured.startswith(("postgres://", "postgresql://")):
            self.config = dj_database_url.parse(configured)
            self.name = f"{self.config['NAME']}_served"
            parts = urllib.parse.urlsplit(configured)
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.config = None
            self.url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
        self.static_root = tmp_path / "static"

    @property
    def is_postgresql(self):
        return self.config is not None

    def admin(self, sql):
        config = self.config
        with psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(sql)

    def create(self):
        if self.is_postgresql:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.admin(f'CREATE DATABASE "{self.name}"')
            # A scratch database need not survive a crash: its commits do not wait for the disk.
            self.admin(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        env = production_env(self.url, self.static_root)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed")
        manage(env, "collectstatic", "--noinput", "-v0")
        username, password = CURATOR
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_superuser({username!r}, 'curator@example.org', {password!r})",
        )

    def drop(self):
        if self.is_postgresql:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Gunicorn:
    """`gunicorn config.wsgi` with the project's gunicorn.conf.py, on a free port of a loopback address.

    It runs in a process group of its own, so that kill() can end the master and its workers at once,
    as when the machine it runs on goes away.
    """

    def __init__(self, env, workers=2, log_path=None, host="127.0.0.1", port=None):
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self.workers = workers
        self.env = {
            **env,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"{host}:{self.port}",
            "GUNICORN_MAX_REQUESTS": "0",  # keep the same workers for the whole test
        }
        self.process = self.log = None

    def start(self, timeout=30):
        self.log = open(self.log_path, "ab") if self.log_path else None
        output = self.log or subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited; see {self.log_path}"
            with suppress(OSError):
                if get(self.url("/healthz"), timeout=2).status == 200:
                    return self
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    def kill(self):
        """SIGKILL to the master and every worker, as when the host goes down: nothing is finished."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        if self.log:
            self.log.close()

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return sorted(int(pid) for pid in children)

    def worker_rss_kib(self):
        rss = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1])
        return rss

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.log:
            self.log.close()


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed

    @property
    def text(self):
        return self.body.decode(errors="replace")


def get(url, *, timeout=15, headers=None, method="GET", body=None):
    """One request on a new connection (gunicorn's sync workers close each one)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read(), time.monotonic() - started)
    finally:
        connection.close()


class TcpProxy:
    """Forwards a loopback port (127.0.0.1 only) to PostgreSQL; cut(), silence() or freeze() it to play an outage.

    cut(): existing connections are closed and new ones refused (the server went away).
    silence(): existing connections are closed and new ones accepted but never answered (an
    unresponsive host), so clients wait for their connect timeout.
    freeze(): existing connections stay open and new ones are accepted, but nothing is answered (a
    server or network that hangs): the kernel still acknowledges what clients send, so only their
    own timeouts end the wait. restore() lets the held traffic through again.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.mode = "forward"
        self.server = None
        self.connections = set()
        self.thawed = None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        self._call(self._listen())
        return self

    def __exit__(self, *exc_info):
        self._call(self._set_thawed(True))
        self._call(self._close(stop_listening=True))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    def cut(self):
        self.mode = "refuse"
        self._call(self._close(stop_listening=True))

    def silence(self):
        self.mode = "silent"
        self._call(self._close(stop_listening=False))
        self._call(self._listen())

    def freeze(self):
        self.mode = "frozen"
        self._call(self._set_thawed(False))

    def restore(self):
        self.mode = "forward"
        self._call(self._set_thawed(True))
        self._call(self._listen())

    async def _set_thawed(self, thawed):
        self.thawed.set() if thawed else self.thawed.clear()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _listen(self):
        if self.thawed is None:
            self.thawed = asyncio.Event()
            self.thawed.set()
        if self.server is None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _close(self, stop_listening):
        if stop_listening and self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.connections):
            writer.transport.abort()
        self.connections.clear()

    async def _handle(self, reader, writer):
        self.connections.add(writer)
        if self.mode != "forward":
            with suppress(ConnectionError):
                while await reader.read(65536):
                    pass  # accept, read, never answer
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.connections.add(upstream_writer)
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    async def _pipe(self, reader, writer):
        with suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                await self.thawed.wait()  # held while frozen; __exit__ aborts every connection
                writer.write(data)
                await writer.drain()
        writer.transport.abort()


class FormFields(HTMLParser):
    """The name=value pairs a browser would submit from the page's forms, as sent when nothing is changed."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(site):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = site.url("/admin/login/?next=/admin/")
    username, password = CURATOR
    data = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": csrf_token(opener.open(login).read().decode()),
    }
    response = opener.open(urllib.request.Request(login, data=urllib.parse.urlencode(data).encode(), method="POST"))
    assert response.url.endswith("/admin/"), "could not sign in"
    return opener
