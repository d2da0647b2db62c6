import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the directory's fixtures once; each test runs in a transaction that is rolled back.

    A test database need not survive a crash: on PostgreSQL its commits do not wait for the disk
    (synchronous_commit off, for every connection to it), which the tests that commit feel most."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" SET synchronous_commit = off')
                cursor.execute("SET synchronous_commit = off")
        call_command("seed", verbosity=0)


@pytest.fixture(scope="session")
def seeded_snapshot(django_db_setup, django_db_blocker):
    """On SQLite, a copy of the seeded test database, to put back in milliseconds instead of reseeding."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "sqlite":
            yield None
            return
        connection.ensure_connection()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
    yield snapshot
    snapshot.close()


@pytest.fixture(scope="session")
def served_database(tmp_path_factory):
    """The database the served site's tests share (tests/served.py): migrated, seeded, collected, with a
    curator. Made once, since each costs 10 to 25 seconds; the tests only add to it or edit one entry."""
    from tests.served import ScratchDatabase

    database = ScratchDatabase(tmp_path_factory.mktemp("served"))
    database.create()
    yield database
    database.drop()


ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def browser(live_server):
    """Headless Debian Chromium driven by Selenium; flags keep it off this machine's closed network.

    It asks for the live server so that it quits first: Chromium's kept-alive connections then
    close while the server may still share the test database's connection with its threads.
    """
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


@pytest.fixture
def site(live_server, transactional_db, seeded_snapshot):
    """The live test server's address, with the directory loaded (browser tests commit their data,
    and the database is emptied after each)."""
    from django.db import connection

    if seeded_snapshot is None:
        call_command("seed", verbosity=0)
    else:
        connection.ensure_connection()
        seeded_snapshot.backup(connection.connection)
    return live_server.url


AXE_RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def axe_report(browser):
    """Scan the browser's page with axe-core (WCAG 2.2 A and AA, and best practice): the
    violations as readable text, or an empty string when there are none."""
    from axe_selenium_python import Axe

    def scan():
        axe = Axe(browser)
        axe.inject()
        results = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": AXE_RULE_TAGS}}))
        return axe.report(results["violations"]) if results["violations"] else ""

    return scan


@pytest.fixture
def screenshot(browser, request):
    """Save a screenshot as a test artifact (artifacts/ is not committed)."""

    def take(name):
        ARTIFACTS.mkdir(exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        width = browser.get_window_size()["width"]
        browser.set_window_size(width, min(max(height, 600), 8000))
        browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}-{name}.png"))

    return take


@pytest.fixture
def make_curator(db, django_user_model):
    """A staff user in the Curator group, made the way `manage.py create_curator` makes one."""
    from django.contrib.auth.models import Group

    from curation.roles import CURATOR_GROUP

    def make(username, **fields):
        user = django_user_model.objects.create_user(username, password="not-a-secret", is_staff=True, **fields)
        user.groups.add(Group.objects.get(name=CURATOR_GROUP))
        return user

    return make


@pytest.fixture
def curator(make_curator):
    return make_curator("ana", first_name="Ana", last_name="García")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
