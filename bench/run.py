"""Benchmark the directory at scale: `make bench` (see the README's Benchmark section).

Builds a scratch database (PostgreSQL `production_bench`, or an SQLite file in bench-results/)
with the real directory plus a deterministic synthetic one, serves it with gunicorn and the
production settings, drives each page with wrk from a second process, counts each page's SQL
queries in-process, prints a table and checks the targets. The database is dropped afterwards.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench-results"
REPORTER = Path(__file__).with_name("report.lua")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH_NAME = "production_bench"

# (label, path); paths with {practice} are filled from the built directory.
PAGES = [
    ("baseline: robots.txt", "/robots.txt"),
    ("home", "/"),
    ("browse", "/practices/"),
    ("browse, 3 filters", "/practices/?kind=language_access&state=CA&size=midsize"),
    ("browse, search", "/practices/?q=interpreter"),
    ("practice", "/practices/{practice}/"),
    ("recommendations", "/recommendations/"),
    ("department", "/departments/{department}/"),
    ("departments, with the map", "/departments/"),
    ("browse, one state (a dot each)", "/practices/?state=CA"),
    ("compare 3", "/compare/?p={practice}&p={second}&p={third}"),
]
TARGET_RATIO, TARGET_P95_MS, TARGET_QUERIES, TARGET_BROWSE_BYTES = 0.5, 50, 10, 60 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"PostgreSQL server URL (default {DEFAULT_SERVER})")
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--practices", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (default 1: enough for the load, and it shares the cores)"
    )
    parser.add_argument(
        "--access-log", action="store_true", help="write gunicorn's access log to bench-results/ (default: discard it)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages; figures are medians (default 3)")
    parser.add_argument(
        "--page-cache", choices=["on", "off", "both"], default="both", help="measure with the page cache on, off, both"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (and reuse it next time)")
    parser.add_argument(
        "--downloads-only", action="store_true", help="skip the page load; only measure the list downloads"
    )
    return parser.parse_args()


def say(message):
    print(f"\n== {message}", flush=True)


def run(command, env, **kwargs):
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True, **kwargs)


def manage(env, *args, quiet=False):
    run([sys.executable, "manage.py", *args], env, stdout=subprocess.DEVNULL if quiet else None)


class Scratch:
    def __init__(self, args):
        self.args = args
        if args.database == "postgresql":
            self.url = f"{args.server.rstrip('/')}/{SCRATCH_NAME}"
        else:
            RESULTS.mkdir(exist_ok=True)
            self.path = RESULTS / "bench.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def psql(self, sql, database="postgres"):
        import psycopg

        with psycopg.connect(f"{self.args.server.rstrip('/')}/{database}", autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else None

    def exists(self):
        if self.args.database == "postgresql":
            return bool(self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{SCRATCH_NAME}'"))
        return self.path.exists()

    def create(self):
        self.drop()
        if self.args.database == "postgresql":
            self.psql(f'CREATE DATABASE "{SCRATCH_NAME}"')

    def analyze(self):
        if self.args.database == "postgresql":
            self.psql("VACUUM ANALYZE", database=SCRATCH_NAME)
            # Write out what the build left in memory now, not during the measurements.
            self.psql("CHECKPOINT", database=SCRATCH_NAME)
        else:
            import sqlite3

            with sqlite3.connect(self.path) as connection:
                connection.execute("ANALYZE")
            os.sync()

    def drop(self):
        if self.args.database == "postgresql":
            self.psql(f'DROP DATABASE IF EXISTS "{SCRATCH_NAME}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def production_env(database_url, static_root, page_cache):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback, as behind a TLS-terminating proxy
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_PAGE_CACHE="1" if page_cache else "0",
        DATABASE_URL=database_url,
    )
    return env


def build(scratch, env, args):
    say(f"Building the directory in {scratch.url}: {args.departments} departments, {args.practices} practices")
    scratch.create()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed")
    manage(
        env,
        "build_synthetic_directory",
        "--noinput",
        f"--departments={args.departments}",
        f"--practices={args.practices}",
    )
    scratch.analyze()


def pick_paths(env):
    """Fill the {practice}, {second}, {third} and {department} placeholders with published synthetic entries."""
    code = (
        "from practices.models import Practice; "
        "found = list(Practice.objects.published().filter(slug__startswith='synthetic-').order_by('pk')[:3]) "
        "or list(Practice.objects.published().order_by('pk')[:3]); "
        "print(found[0].slug, found[1].slug, found[2].slug, found[0].department.slug)"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    practice, second, third, department = output.stdout.split()[-4:]
    names = {"practice": practice, "second": second, "third": third, "department": department}
    return [(label, path.format(**names)) for label, path in PAGES]


def count_queries(env, pages):
    """{path: (queries as rendered, queries when cached, median render ms, HTML bytes)}, in-process."""
    code = f"""
import json, statistics, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
client, result = Client(HTTP_HOST="localhost"), {{}}
for path in {[path for _, path in pages]!r}:
    with override_settings(PAGE_CACHE_ENABLED=False):
        client.get(path)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            rendered = len(queries)  # now: the next request empties the query log
    with override_settings(PAGE_CACHE_ENABLED=True):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        cached = len(queries)
    result[path] = (rendered, cached, statistics.median(times), len(response.content))
print(json.dumps(result))
"""
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if output.returncode:
        sys.exit(output.stderr)
    return json.loads(output.stdout.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, env, workers, port, log, access_log):
        self.url = f"http://127.0.0.1:{port}"
        # Steady state: a recycled worker would start over with an empty page cache.
        env = {
            **env,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        # The access log (standard output) is formatted either way; writing it to a file on this
        # machine's disk adds stalls a log collector reading a pipe would not.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log if access_log else subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    sys.exit(f"gunicorn did not start; see {log.name}")
                time.sleep(0.2)

    def drain(self, workers, timeout=120):
        """Wait until requests wrk left queued are served, so that a slow page cannot spill into the next."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with ThreadPoolExecutor(workers) as pool:
                times = list(pool.map(lambda _: self.time(f"{self.url}/robots.txt"), range(workers)))
            if max(times) < 0.1:
                return
        sys.exit("gunicorn stayed busy after the load stopped")

    @staticmethod
    def time(url):
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
        return time.monotonic() - started

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=40)


# The list downloads, whole (every published practice) and filtered, and how much memory they take.
DOWNLOADS = [
    ("practices CSV", "/data/practices/?format=csv"),
    ("practices JSON", "/data/practices/?format=json"),
    ("practices XLSX", "/data/practices/?format=xlsx"),
    ("practices CSV, 1 state", "/data/practices/?format=csv&state=IA"),
    ("departments CSV", "/data/departments/?format=csv"),
]


def worker_memory(server):
    """{pid: (resident KB now, peak resident KB)} for each gunicorn worker."""
    memory = {}
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    for pid in children:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        memory[pid] = (int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0]))
    return memory


def measure_downloads(server):
    """Each download once, streamed to nowhere: rows, size, time, and the serving worker's peak memory."""
    rows = []
    for label, path in DOWNLOADS:
        before = worker_memory(server)
        started = time.monotonic()
        size, lines = 0, 0
        with urllib.request.urlopen(f"{server.url}{path}", timeout=600) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.monotonic() - started
        after = worker_memory(server)
        grown = max(after[pid][1] - before[pid][1] for pid in after if pid in before)
        peak = max(peak for _rss, peak in after.values())
        rows.append((label, path, size, lines, seconds, grown, peak))
    lines = [
        "| download | size | lines (text) | seconds | worker peak memory grew by | worker peak memory |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {label} | {size / 1_048_576:.1f} MB | {count if 'XLSX' not in label else '-'} | {seconds:.1f} "
        f"| {grown / 1024:.1f} MB "
        f"| {peak / 1024:.0f} MB |"
        for label, _path, size, count, seconds, grown, peak in rows
    ]
    return "\n".join(lines)


def wrk(url, clients, threads, seconds):
    output = subprocess.run(
        # As a browser asks; pages go out gzipped (the size of the HTML itself is measured apart).
        ["wrk", f"-t{min(threads, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", REPORTER]
        + ["-H", "Accept-Encoding: gzip, deflate, br", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(server, pages, args):
    """wrk on each page, for several rounds, with a baseline run before the first page and after each.

    This machine may be shared: comparing each page with the baseline runs just before and after
    it keeps a change in background load from skewing the ratio, and each figure is the median
    over the rounds, so that one burst of outside work does not decide it.
    """
    (_, baseline), *directory = pages
    samples = {path: [] for _, path in pages}

    def load(path, warm_up):
        if warm_up:
            wrk(server.url + path, args.clients, args.threads, 2)  # fill every worker's cache
            server.drain(args.workers)
        result = wrk(server.url + path, args.clients, args.threads, args.duration)
        server.drain(args.workers)
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        samples[path].append(result)
        return result

    for number in range(args.rounds):
        before = load(baseline, warm_up=number == 0)
        for label, path in directory:
            page = load(path, warm_up=number == 0)
            after = load(baseline, warm_up=False)
            page["ratio"] = page["rps"] / ((before["rps"] + after["rps"]) / 2)
            print(
                f"   round {number + 1}: {label:<22} {page['rps']:6.0f} requests/s, {page['ratio']:.2f} x baseline",
                flush=True,
            )
            before = after
    return {path: summarize(runs) for path, runs in samples.items()}


def summarize(runs):
    """The median of each figure over the runs; errors and bytes added up."""
    median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p95", "p99")}
    if "ratio" in runs[0]:
        median["ratio"] = statistics.median(run["ratio"] for run in runs)
    total = {key: sum(run[key] for run in runs) for key in ("requests", "bytes", "socket_errors", "status_errors")}
    return {"ratio": 1.0, **median, **total}


def table(pages, rows, queries, cached):
    lines = [
        "| page | requests/s | × baseline | p50 ms | p95 ms | p99 ms | queries | transferred | HTML | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    checks = []
    for index, (label, path) in enumerate(pages):
        row = rows[path]
        rendered, hit, _, html = queries[path]
        count = hit if cached else rendered
        ratio = row["ratio"]
        size = row["bytes"] / max(row["requests"], 1)
        errors = row["socket_errors"] + row["status_errors"]
        lines.append(
            f"| {label} | {row['rps']:.{0 if row['rps'] >= 10 else 1}f} | {ratio:.2f} "
            f"| {row['p50'] / 1000:.1f} | {row['p95'] / 1000:.1f} "
            f"| {row['p99'] / 1000:.1f} | {count} | {size / 1024:.1f} KB | {html / 1024:.1f} KB | {errors} |"
        )
        if index:
            checks += [
                (f"{label}: ≥ {TARGET_RATIO} × baseline", ratio >= TARGET_RATIO, f"{ratio:.2f}"),
                (f"{label}: p95 ≤ {TARGET_P95_MS} ms", row["p95"] / 1000 <= TARGET_P95_MS, f"{row['p95'] / 1000:.1f}"),
                (f"{label}: ≤ {TARGET_QUERIES} queries", max(rendered, hit) <= TARGET_QUERIES, f"{rendered}/{hit}"),
                (f"{label}: no errors", errors == 0, str(errors)),
            ]
        if label == "browse":
            checks.append(
                (
                    "browse: ≤ 60 KB",
                    max(size, html) <= TARGET_BROWSE_BYTES,
                    f"{size / 1024:.1f} KB, HTML {html / 1024:.1f} KB",
                )
            )
    return "\n".join(lines), checks


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.machine())
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({model}), {system}, Python {platform.python_version()}"


def main():
    args = parse_args()
    if not args.downloads_only and not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench installs it with apt-get).")
    scratch = Scratch(args)
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    RESULTS.mkdir(exist_ok=True)
    started = datetime.datetime.now().astimezone()
    env = production_env(scratch.url, static_root, page_cache=True)
    try:
        if args.keep and scratch.exists():
            say(f"Reusing {scratch.url} (--keep)")
        else:
            build(scratch, env, args)
        manage(env, "collectstatic", "--noinput", "-v0")
        pages = pick_paths(env)
        say("Counting queries per page (in-process, as rendered and when cached)")
        queries = count_queries(env, pages)
        for label, path in pages:
            rendered, hit, render_ms, html = queries[path]
            print(
                f"   {label:<22} {rendered} queries as rendered ({render_ms:.0f} ms, {html / 1024:.1f} KB), "
                f"{hit} when cached"
            )
        report = [
            f"# Benchmark, {started:%Y-%m-%d %H:%M %Z}",
            "",
            f"Machine: {machine()}; load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
            f"Database: {args.database}; {args.departments} departments, {args.practices} synthetic practices "
            f"(plus the real 18); gunicorn {args.workers} sync workers; wrk {args.clients} connections "
            f"({args.threads} thread{'s' if args.threads > 1 else ''}), asking for gzip as browsers do "
            "('transferred' counts headers and the gzipped body; 'HTML' is the page uncompressed). "
            "Workers are not recycled during the run (a new one starts with an empty page cache). "
            f"{args.rounds} rounds of {args.duration} s per page, after a 2 s warm-up; the baseline ran before "
            "the first page and after each one, and each page is compared with the baseline runs just before "
            "and after it. Every figure is the median over the rounds.",
        ]
        all_checks = []
        modes = {"on": [True], "off": [False], "both": [True, False]}[args.page_cache]
        say("Downloading the lists (streamed; peak memory of the worker that served each)")
        port = 20000 + secrets.randbelow(20000)
        with open(RESULTS / "gunicorn.log", "ab") as log:
            server = Gunicorn(production_env(scratch.url, static_root, True), args.workers, port, log, False)
            try:
                downloads = measure_downloads(server)
            finally:
                server.stop()
        print(downloads)
        report += ["", "## Downloads", "", downloads]
        if args.downloads_only:
            modes = []
        for cached in modes:
            title = "page cache on (production)" if cached else "page cache off (every request rendered)"
            say(f"Load with the {title}")
            port = 20000 + secrets.randbelow(20000)
            with open(RESULTS / "gunicorn.log", "ab") as log:
                env = production_env(scratch.url, static_root, cached)
                server = Gunicorn(env, args.workers, port, log, args.access_log)
                try:
                    rows = measure(server, pages, args)
                finally:
                    server.stop()
            text, checks = table(pages, rows, queries, cached)
            report += ["", f"## {title.capitalize()}", "", text]
            if cached:
                all_checks = checks
        report.insert(3, f"Load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}.")
        if modes:
            report += ["", "## Targets (page cache on)", ""]
        report += [f"- {'met   ' if ok else 'MISSED'} {name} ({value})" for name, ok, value in all_checks]
        output = "\n".join(report)
        print("\n" + output)
        path = RESULTS / f"{started:%Y%m%d-%H%M}-{args.database}.md"
        path.write_text(output + "\n")
        print(f"\n(Saved to {path.relative_to(BASE_DIR)}.)")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            scratch.drop()


if __name__ == "__main__":
    main()
