"""Past one machine, tested as deployed: nginx from Debian's packages in front of two app hosts (gunicorn on
two loopback addresses, production settings, one shared secret key), one PostgreSQL, one Redis as the
shared cache, with the nginx configuration shipped in deploy/nginx/.

It shows that an edit saved through one host is what the next request through every host shows; that a
host killed under load costs no visitor a request (nginx retries on the other) and rejoins when
restarted; that Redis stopped and restarted under load costs none either (the cache fails open) and
caching resumes by itself; that a rolling restart drops nothing; and that one request id is in nginx's,
gunicorn's and Django's logs. The figures each test measured are written to the run's output at the end.

Needs DATABASE_URL on PostgreSQL, nginx and redis-server (.ci/run installs nginx). Every request goes to
loopback addresses, and every load is bounded in time and count.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from contextlib import suppress
from pathlib import Path

import psycopg
import pytest

from tests.served import BASE_DIR, Gunicorn, form_fields, free_port, get, log_in, production_env

pytestmark = pytest.mark.slow

NGINX_CONFIG = BASE_DIR / "deploy" / "nginx" / "practices"
HOSTS = ("127.0.0.2", "127.0.0.3")
SITE_HOST = "127.0.0.1"  # the host name visitors ask nginx for, here its address
PRACTICE = "/practices/storm-lake-ia/"
VISITOR_PAGES = [
    "/",
    "/practices/",
    PRACTICE,
    "/practices/?kind=language_access&state=IA",
    "/departments/",
    "/departments/storm-lake-ia/",
    "/recommendations/",
    "/about/",
    "/healthz",
]


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.1)
    return time.monotonic()


class Redis:
    """A Redis server of the test's own on a free loopback port, that keeps nothing on disk."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self):
        log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=log,
            stderr=log,
        )
        log.close()
        try:
            wait_until(self.answers, 10, "redis-server did not answer")
        except BaseException:
            self.stop()
            raise

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Nginx:
    """nginx with the shipped balancer.conf and site.conf, on a free loopback port, the app hosts in
    app-servers.conf written with the shipped file's parameters."""

    def __init__(self, folder, hosts):
        self.folder, self.port, self.process = folder, free_port(), None
        self.access_log = folder / "access.log"
        config = folder / "practices"
        config.mkdir()
        for name in ("balancer.conf", "site.conf"):
            shutil.copy(NGINX_CONFIG / name, config / name)
        shipped = re.findall(r"^server \S+ (.*);$", (NGINX_CONFIG / "app-servers.conf").read_text(), re.MULTILINE)
        self.servers = [f"server {host.host}:{host.port} {shipped[0]};" for host in hosts]
        self.write_app_servers()
        user = "user root;" if os.geteuid() == 0 else ""  # its workers read and write the test's folder
        temp = "\n".join(
            f"  {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
{temp}
  include practices/balancer.conf;
  server {{
    listen 127.0.0.1:{self.port};
    server_name localhost;
    access_log {self.access_log} practices;
    include practices/site.conf;
  }}
}}
"""
        )

    def write_app_servers(self, drained=()):
        lines = [line.replace(";", " down;") if index in drained else line for index, line in enumerate(self.servers)]
        (self.folder / "practices" / "app-servers.conf").write_text("\n".join(lines) + "\n")

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        arguments = ["-e", self.folder / "error.log", "-p", self.folder, "-c", self.folder / "nginx.conf"]
        with open(self.folder / "nginx.stderr", "ab") as stderr:
            self.process = subprocess.Popen([binary, *map(str, arguments)], stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            wait_until(lambda: self.answers("/healthz"), 10, "nginx did not answer")
        except BaseException:
            self.stop()
            raise
        return self

    def answers(self, path):
        with suppress(OSError):
            return get(self.url(path), timeout=5).status == 200
        return False

    def reload(self, drained=()):
        """Drains the hosts given by index (or none), as an operator would: edit, then `nginx -s reload`."""
        self.write_app_servers(drained)
        self.process.send_signal(signal.SIGHUP)
        time.sleep(1)  # new nginx workers take over; the old ones finish what they have

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def log_lines(self):
        return self.access_log.read_text().splitlines()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Host:
    """An app host: gunicorn with production settings on its own loopback address, restartable on it."""

    def __init__(self, env, address, folder):
        self.env, self.address, self.log_path = env, address, folder / f"gunicorn-{address}.log"
        self.server = Gunicorn(env, workers=2, log_path=self.log_path, host=address)
        self.host, self.port = address, self.server.port

    def start(self):
        self.server = Gunicorn(self.env, workers=2, log_path=self.log_path, host=self.address, port=self.port)
        try:
            self.server.start()
        except BaseException:
            self.server.stop()
            raise
        return self

    def get(self, path):
        """Straight to this host, with the Host header nginx passes (the page cache keys pages by host)."""
        return get(self.server.url(path), headers={"Host": SITE_HOST})

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    def access_lines(self):
        """gunicorn's lines for the requests nginx passed on (the test's own requests carry no id)."""
        return [line for line in self.log_text().splitlines() if re.search(r'" request=[0-9a-f]{32}$', line)]


class Deployment:
    def __init__(self, scratch, folder):
        self.scratch, self.folder = scratch, folder
        self.redis, self.hosts, self.nginx = Redis(folder), [], None
        try:
            self.redis.start()
            env = production_env(
                scratch.url,
                scratch.static_root,
                DJANGO_CACHE_URL=f"redis://127.0.0.1:{self.redis.port}/0",
                DJANGO_CACHE_KEY_PREFIX=f"practices-tests-{uuid.uuid4().hex}",
                DJANGO_TRUSTED_PROXIES="1",
            )
            for address in HOSTS:  # one env: one secret key
                self.hosts.append(Host(env, address, folder).start())
            self.nginx = Nginx(folder, self.hosts).start()
        except BaseException:
            self.stop()  # whatever had started
            raise

    def url(self, path):
        return self.nginx.url(path)

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        for host in self.hosts:
            host.server.stop()
        self.redis.stop()


@pytest.fixture(scope="module")
def deployment(request, tmp_path_factory):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("Several app hosts share one PostgreSQL: needs DATABASE_URL to point at PostgreSQL.")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("Needs nginx (Debian package nginx; .ci/run installs it).")
    if not shutil.which("redis-server"):
        pytest.skip("Needs redis-server (Debian package redis-server).")
    try:
        [free_port(address) for address in HOSTS]
    except OSError:
        pytest.skip(f"Needs the loopback addresses {' and '.join(HOSTS)} (Linux has all of 127.0.0.0/8).")
    folder = tmp_path_factory.mktemp("several-hosts")
    deployment = Deployment(request.getfixturevalue("served_database"), folder)
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def figures(request):
    """What the tests measured, written to the run's output after the module's last test."""
    lines = []
    yield lines
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture and lines:
        with capture.global_and_fixture_disabled():
            reporter.write_sep("-", "several hosts behind nginx: figures")
            for line in lines:
                reporter.write_line(line)


class Load:
    """Visitors through nginx: `clients` threads, each GET on a new connection taking gzip as browsers do,
    until stopped, at most `seconds` and `requests` in all. Records (seconds since start, path, status or
    error, X-Page-Cache)."""

    def __init__(self, url, paths=VISITOR_PAGES, clients=4, seconds=40, requests=20000):
        self.url, self.paths, self.clients = url, paths, clients
        self.results, self.lock, self.stopped = [], threading.Lock(), threading.Event()
        self.counter, self.seconds = iter(range(requests)), seconds

    def __enter__(self):
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self.visit) for _ in range(self.clients)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def visit(self):
        for number in self.counter:
            if self.stopped.is_set() or time.monotonic() - self.started > self.seconds:
                return
            path = self.paths[number % len(self.paths)]
            try:
                response = get(self.url(path), timeout=20, headers={"Accept-Encoding": "gzip"})
                outcome, cache = response.status, response.headers.get("X-Page-Cache")
            except (OSError, http.client.HTTPException) as error:
                outcome, cache = repr(error), None
            with self.lock:
                self.results.append((time.monotonic() - self.started, path, outcome, cache))

    def now(self):
        return time.monotonic() - self.started

    def run_for(self, seconds):
        time.sleep(seconds)
        return self.now()

    def failures(self, start=0, end=float("inf")):
        return Counter((path, outcome) for _, path, outcome, _ in self.between(start, end) if outcome != 200)

    def between(self, start, end):
        return [result for result in self.results if start <= result[0] < end]


def retried(nginx_lines):
    """nginx's lines for requests that a first app host failed and the next one answered."""
    return [line for line in nginx_lines if re.search(r"upstream=\S+, \S+", line)]


def source_title(deployment):
    with psycopg.connect(deployment.scratch.url) as connection:
        return connection.execute(
            "SELECT s.id, s.title FROM sources_source s JOIN practices_fact f ON f.source_id = s.id "
            "JOIN practices_practice p ON p.id = f.practice_id WHERE p.slug = 'storm-lake-ia' ORDER BY s.id LIMIT 1"
        ).fetchone()


def test_an_edit_saved_through_one_host_shows_on_every_host_at_once(deployment, figures):
    first, second = deployment.hosts
    source_id, title = source_title(deployment)
    rendered = first.get(PRACTICE)
    shared = second.get(PRACTICE)
    assert rendered.status == shared.status == 200 and title in shared.text
    assert shared.headers["X-Page-Cache"] == "hit", "the page one host cached must be the other's hit (one Redis)"

    nginx_lines_before = len(deployment.nginx.log_lines())
    curator = log_in(deployment)  # through nginx: its requests alternate between the hosts
    new_title = f"Edited behind the load balancer {time.time_ns()}"
    change = deployment.url(f"/admin/sources/source/{source_id}/change/")
    fields = form_fields(curator.open(change).read().decode())
    fields.update(title=new_title, _save="Save")
    saved = curator.open(urllib.request.Request(change, data=urllib.parse.urlencode(fields).encode(), method="POST"))
    assert saved.url.endswith("/admin/sources/source/"), "the admin did not accept the edit"
    admin_lines = [line for line in deployment.nginx.log_lines()[nginx_lines_before:] if " /admin/" in line]
    served_by = {re.search(r"upstream=(\S+)", line).group(1) for line in admin_lines}
    assert len(served_by) == 2, f"the curator's requests all went to {served_by}: the session was not tried on both"

    after = {
        "first host": [first.get(PRACTICE) for _ in range(3)],
        "second host": [second.get(PRACTICE) for _ in range(3)],
        "nginx": [get(deployment.url(PRACTICE)) for _ in range(4)],
    }
    for where, responses in after.items():
        assert all(response.status == 200 and new_title in response.text for response in responses), where
    caching = Counter(response.headers["X-Page-Cache"] for responses in after.values() for response in responses)
    assert caching == {"miss": 1, "hit": 9}, caching
    figures.append(
        f"edit: the curator's requests were answered by {sorted(served_by)}; "
        f"the next 10 requests on both hosts showed the edit: {dict(caching)}"
    )


def cut_off(outcome):
    """An answer that broke off after nginx had begun to pass it on: the client saw it end early."""
    return isinstance(outcome, str) and outcome.startswith(("IncompleteRead", "RemoteDisconnected"))


def test_a_host_killed_under_load_costs_no_request_and_rejoins_when_restarted(deployment, figures):
    """Every request the dead host had not begun to answer is retried on the other. One it was in the middle
    of sending cannot be: nginx has passed its start on to the visitor. Such a request is rare (a page
    takes microseconds to send on the loopback) and at most one per worker of the dead host."""
    victim = deployment.hosts[1]
    nginx_lines_before = len(deployment.nginx.log_lines())
    with Load(deployment.url) as load:
        killed_at = load.run_for(2)
        victim.server.kill()
        restarted_at = load.run_for(3)
        victim.start()
        served_before_restart = len(victim.access_lines())
        rejoined = wait_until(lambda: len(victim.access_lines()) > served_before_restart, 15, "the host did not rejoin")
        rejoined_after = rejoined - load.started - restarted_at
        load.run_for(1)
    at_the_kill = load.failures(killed_at, killed_at + 1)
    broken_off = sum(count for (_path, outcome), count in at_the_kill.items() if cut_off(outcome))
    failures = load.failures() - Counter({key: count for key, count in at_the_kill.items() if cut_off(key[1])})
    assert not failures, failures
    assert broken_off <= victim.server.workers, at_the_kill
    during = load.between(killed_at, restarted_at)
    assert len(load.results) >= 200 and len(during) >= 50, "too few requests to say anything"
    lines = deployment.nginx.log_lines()[nginx_lines_before:]
    assert retried(lines), "no request was retried: the kill did not land under load"
    figures.append(
        f"kill: {len(load.results)} requests, {len(during)} while the host was down, {len(retried(lines))} retried "
        f"on the other host, {broken_off} broken off mid-answer by the kill, no other failed; "
        f"it rejoined {rejoined_after:.1f} s after its restart"
    )


def test_redis_stopped_and_restarted_under_load_costs_no_request_and_caching_resumes(deployment, figures):
    redis = deployment.redis
    with Load(deployment.url) as load:
        stopped_at = load.run_for(2)
        redis.stop()
        restarted_at = load.run_for(4)
        redis.start()

        def cached_again():
            return all(host.get(PRACTICE).headers.get("X-Page-Cache") == "hit" for host in deployment.hosts)

        resumed = wait_until(cached_again, 20, "caching did not resume on both hosts") - load.started
        load.run_for(1)
    failures = load.failures()
    assert not failures, failures
    before = Counter(cache for *_, cache in load.between(0, stopped_at) if cache)
    # A request being answered as Redis stops may have looked its page up just before.
    during = Counter(cache for *_, cache in load.between(stopped_at + 0.5, restarted_at) if cache)
    after = Counter(cache for *_, cache in load.between(resumed, load.now()) if cache)
    assert before["hit"] > 0 and during["miss"] > 0, (before, during)
    assert during["hit"] == 0, f"pages came from a stopped Redis: {during}"
    assert after["hit"] > 0, after
    figures.append(
        f"redis: {len(load.results)} requests, {len(load.between(stopped_at, restarted_at))} while Redis was down "
        f"(page cache {dict(during)}), {len(failures)} failed; caching resumed on both hosts "
        f"{resumed - restarted_at:.1f} s after Redis restarted (then {dict(after)})"
    )


def test_a_rolling_restart_drops_nothing(deployment, figures):
    """The first host reloads its workers (gunicorn HUP); the second gets a new release: drained in nginx,
    stopped, started again, put back."""
    first, second = deployment.hosts
    with Load(deployment.url) as load:
        load.run_for(1.5)
        old_workers = set(first.server.worker_pids())
        first.server.process.send_signal(signal.SIGHUP)
        wait_until(
            lambda: not old_workers & set(first.server.worker_pids()) and len(first.server.worker_pids()) == 2,
            30,
            "gunicorn did not replace its workers",
        )
        hup_done = load.run_for(1)

        deployment.nginx.reload(drained=[1])
        served_before = len(second.access_lines())
        load.run_for(1)
        second.server.stop()
        second.start()  # the new release
        deployment.nginx.reload(drained=[])
        wait_until(lambda: len(second.access_lines()) > served_before + 5, 15, "the new release did not serve")
        load.run_for(1)
    failures = load.failures()
    assert not failures, failures
    assert len(load.results) >= 200, "too few requests to say anything"
    figures.append(
        f"rolling restart: {len(load.results)} requests, {len(load.between(0, hup_done))} around the HUP, "
        f"{len(load.between(hup_done, load.now()))} around the new release, {len(failures)} failed"
    )


def test_one_request_id_in_the_logs_of_nginx_gunicorn_and_django(deployment):
    response = get(deployment.url("/no-such-page/"))
    assert response.status == 404
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)

    def logged_by_nginx():
        return [line for line in deployment.nginx.log_lines() if f"request={request_id}" in line]

    # nginx, like gunicorn, writes its access line once the answer has gone out: the client may be first.
    wait_until(logged_by_nginx, 5, "nginx logged the request")
    nginx_lines = logged_by_nginx()
    assert len(nginx_lines) == 1, nginx_lines
    answered_by = re.search(r"upstream=(\S+)", nginx_lines[0]).group(1)
    (host,) = [host for host in deployment.hosts if f"{host.host}:{host.port}" == answered_by]
    (other,) = [other for other in deployment.hosts if other is not host]

    def logged():
        return [line for line in host.log_text().splitlines() if f"request={request_id}" in line]

    with suppress(AssertionError):
        wait_until(lambda: len(logged()) >= 2, 5, "")  # gunicorn writes its line once the answer is sent
    django_lines = [line for line in logged() if " django.request " in line]
    gunicorn_lines = [line for line in logged() if '"GET /no-such-page/ HTTP/1.0" 404' in line]
    assert len(django_lines) == len(gunicorn_lines) == 1, logged()
    assert django_lines[0].endswith(f"WARNING django.request request={request_id}: Not Found: /no-such-page/")
    assert request_id not in other.log_text()


def test_the_shipped_https_site_passes_nginx_t(tmp_path):
    """practices.conf, the part the test above leaves to production (TLS on 443, the redirect from port
    80), as nginx itself checks it: with a throwaway certificate and logs in a scratch folder."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not (Path(nginx).exists() and shutil.which("openssl")):
        pytest.skip("Needs nginx and openssl.")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=practices.test"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    shutil.copytree(NGINX_CONFIG, tmp_path / "practices")
    site = (NGINX_CONFIG.parent / "practices.conf").read_text()
    for shipped, scratch in [
        ("/etc/ssl/practices/fullchain.pem", tmp_path / "cert.pem"),
        ("/etc/ssl/practices/privkey.pem", tmp_path / "key.pem"),
        ("/var/log/nginx/", f"{tmp_path}/"),
    ]:
        assert shipped in site
        site = site.replace(shipped, str(scratch))
    (tmp_path / "practices.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n  include practices.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
