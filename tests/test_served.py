"""The site as deployed: gunicorn with production settings, on loopback, on its own database.

Static files, load (no errors, no memory growth), cache invalidation across worker processes,
the admin under the Content-Security-Policy in Chromium, and (on PostgreSQL) an outage of the
database during load.
"""

import re
import shutil
import sqlite3
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import suppress

import psycopg
import pytest

from tests.served import CURATOR, Gunicorn, TcpProxy, form_fields, get, log_in, production_env

pytestmark = pytest.mark.slow

PRACTICE = "/practices/storm-lake-ia/"
LOAD_URLS = [
    "/",
    "/practices/",
    "/practices/?kind=language_access&state=IA",
    "/practices/?q=interpreters",
    "/practices/?sort=year&page=2",
    PRACTICE,
    "/departments/",
    "/departments/storm-lake-ia/",
    "/recommendations/",
    "/about/",
    "/corrections/new/",
    "/robots.txt",
    "/healthz",
]


@pytest.fixture(scope="module")
def scratch(served_database):
    return served_database


@pytest.fixture(scope="module")
def site(scratch):
    server = Gunicorn(
        production_env(scratch.url, scratch.static_root), workers=3, log_path=scratch.tmp_path / "gunicorn.log"
    )
    yield server.start()
    server.stop()


def query_scratch(scratch, sql):
    if scratch.is_postgresql:
        with psycopg.connect(scratch.url) as connection:
            return connection.execute(sql).fetchall()
    with sqlite3.connect(scratch.url.removeprefix("sqlite:///")) as connection:
        return connection.execute(sql).fetchall()


def load(site, urls, *, clients=8, requests=1500, seconds=25):
    """Up to `requests` GETs from `clients` threads (bounded in time); returns [(url, status)]."""
    results, lock, deadline = [], threading.Lock(), time.monotonic() + seconds
    counter = iter(range(requests))

    def client():
        for number in counter:
            if time.monotonic() > deadline:
                return
            url = urls[number % len(urls)]
            try:
                status = get(site.url(url), timeout=10).status
            except OSError as error:
                status = repr(error)
            with lock:
                results.append((url, status))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_static_files_are_hashed_compressed_and_cached_for_ever(site):
    html = get(site.url("/")).text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    response = get(site.url(stylesheet), headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response.headers["Content-Type"].startswith("text/css")


def test_load_gives_no_errors_and_no_memory_growth(site):
    warm_up = load(site, LOAD_URLS, requests=600)
    assert {status for _, status in warm_up} == {200}
    workers, before = site.worker_pids(), site.worker_rss_kib()
    results = load(site, LOAD_URLS, requests=2400)
    errors = Counter((url, status) for url, status in results if status != 200)
    assert not errors, errors
    assert len(results) >= 600, "the load finished too few requests to say anything"
    assert site.worker_pids() == workers, "a worker was restarted"
    after = site.worker_rss_kib()
    growth = {pid: after[pid] - before[pid] for pid in workers}
    assert max(growth.values()) < 4 * 1024, f"worker RSS grew (KiB): {growth}"


def test_an_admin_edit_shows_at_once_in_every_worker(site, scratch):
    source_id, title = query_scratch(
        scratch,
        "SELECT s.id, s.title FROM sources_source s JOIN practices_fact f ON f.source_id = s.id "
        "JOIN practices_practice p ON p.id = f.practice_id WHERE p.slug = 'storm-lake-ia' ORDER BY s.id LIMIT 1",
    )[0]
    warm = [get(site.url(PRACTICE)) for _ in range(30)]
    assert all(response.status == 200 and title in response.text for response in warm)
    assert sum(response.headers["X-Page-Cache"] == "hit" for response in warm) >= 20

    curator = log_in(site)
    assert "X-Page-Cache" not in curator.open(site.url(PRACTICE)).headers, "staff must not get the cache"
    new_title = f"Edited in the admin {time.time_ns()}"
    change = site.url(f"/admin/sources/source/{source_id}/change/")
    fields = form_fields(curator.open(change).read().decode())  # all of them, as a browser sends them
    fields.update(title=new_title, _save="Save")
    saved = curator.open(urllib.request.Request(change, data=urllib.parse.urlencode(fields).encode(), method="POST"))
    assert saved.url.endswith("/admin/sources/source/"), "the admin did not accept the edit"

    after = [get(site.url(PRACTICE)) for _ in range(30)]
    stale = [response.headers["X-Page-Cache"] for response in after if new_title not in response.text]
    assert not stale, f"{len(stale)} of 30 responses still showed the old title"


@pytest.mark.browser
def test_the_admin_and_the_site_work_under_the_content_security_policy(site, scratch):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Needs Debian's chromium and chromium-driver.")
    practice_id = query_scratch(scratch, "SELECT id FROM practices_practice WHERE slug = 'storm-lake-ia'")[0][0]
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="chromium-")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(shutil.which("chromedriver")))
    try:
        console = []
        driver.get(site.url("/admin/login/"))
        driver.find_element(By.NAME, "username").send_keys(CURATOR[0])
        driver.find_element(By.NAME, "password").send_keys(CURATOR[1])
        driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda driver: urllib.parse.urlsplit(driver.current_url).path == "/admin/")
        console += driver.get_log("browser")
        pages = [
            "/admin/",
            "/admin/practices/practice/",
            f"/admin/practices/practice/{practice_id}/change/",
            "/admin/practices/practice/add/",
            f"/admin/practices/practice/{practice_id}/history/",
            "/admin/practices/practice/import/",
            "/admin/practices/practice/export/",
            "/admin/sources/source/?q=police",
            "/admin/departments/department/add/",
            "/",
            "/practices/?kind=language_access",
            PRACTICE,
            "/corrections/new/",
        ]
        for page in pages:
            driver.get(site.url(page))
            console += [dict(entry, page=page) for entry in driver.get_log("browser")]
        # The admin's own scripts ran: the practice form's autocomplete widgets are built by them.
        driver.get(site.url(f"/admin/practices/practice/{practice_id}/change/"))
        assert driver.find_elements(By.CSS_SELECTOR, ".select2-container"), "the admin's scripts did not run"
        console += driver.get_log("browser")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    violations = [entry for entry in console if "Content Security Policy" in entry["message"]]
    assert not violations, violations
    # Browsers ask for /favicon.ico on their own; the site has none yet.
    errors = [entry for entry in console if entry["level"] == "SEVERE" and "/favicon.ico" not in entry["message"]]
    assert not errors, errors


@pytest.fixture
def proxied_site(scratch):
    if not scratch.is_postgresql:
        pytest.skip("The outage test needs DATABASE_URL to point at PostgreSQL.")
    config = scratch.config
    with TcpProxy(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432)) as proxy:
        parts = urllib.parse.urlsplit(scratch.url)
        through_proxy = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        env = production_env(through_proxy, scratch.static_root, DATABASE_CONNECT_TIMEOUT="2")
        server = Gunicorn(env, workers=2, log_path=scratch.tmp_path / "gunicorn-outage.log")
        server.start()
        try:
            yield server, proxy
        finally:
            server.stop()


def requests_during(site, seconds, urls):
    responses, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        for url in urls:
            with suppress(OSError):
                responses.append((url, get(site.url(url), timeout=20)))
    return responses


def test_a_database_outage_gives_503_pages_and_the_site_recovers_alone(proxied_site):
    site, proxy = proxied_site
    urls = [PRACTICE, "/practices/?q=interpreters", "/", "/healthz"]
    assert all(response.status == 200 for _, response in requests_during(site, 2, urls))
    workers = site.worker_pids()

    for outage in (proxy.cut, proxy.silence):  # refused, then accepted but never answered
        outage()
        during = requests_during(site, 5, urls)
        assert during, "no request finished during the outage"
        statuses = Counter(response.status for _, response in during)
        assert set(statuses) <= {200, 503}, statuses
        slowest = max(response.elapsed for _, response in during)
        assert slowest < 2 + 3, f"a request took {slowest:.1f} s; the connect timeout is 2 s"
        assert any(url == "/healthz" and response.status == 503 for url, response in during)
        for url, response in during:
            if response.status == 200:
                # A page this worker had cached, served as it was (the README says how stale it may be).
                assert url != "/healthz" and response.headers["X-Page-Cache"] == "stale"
            elif url != "/healthz":
                assert "The directory is temporarily unavailable" in response.text
                assert response.headers["Retry-After"] == "30"
                assert "Traceback" not in response.text

    proxy.restore()
    deadline = time.monotonic() + 15
    while get(site.url("/healthz")).status != 200:
        assert time.monotonic() < deadline, "the site did not recover within 15 s"
        time.sleep(0.2)
    after = requests_during(site, 2, urls)
    assert {response.status for _, response in after} == {200}
    assert site.worker_pids() == workers, "recovering needed a worker restart"
