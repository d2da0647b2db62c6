"""The open-data pages and links in a real browser: download links, 'Cite this page', /data/, the API docs."""

import json

import pytest
from selenium.webdriver.common.by import By

from opendata.release import write_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    yield
    browser.get("about:blank")
    browser.set_window_size(1280, 900)  # the shared browser's size, for the tests that follow


@pytest.fixture
def released(site, settings, tmp_path):
    settings.DATA_RELEASES_DIR = tmp_path
    write_release(site)
    return site


def fetch(browser, href):
    """Status and content type of a link as the page's own script would get them (same origin, CSP applies)."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => done([r.status, r.headers.get('Content-Type')]), e => done([0, String(e)]));",
        href,
    )


def test_browse_downloads_keep_the_filters_and_work(browser, site, screenshot, axe_report):
    browser.set_window_size(1280, 900)
    browser.get(f"{site}/practices/?kind=language_access&state=IA&sort=city")
    links = browser.find_elements(By.CSS_SELECTOR, ".downloads a[download]")
    hrefs = [link.get_attribute("href") for link in links]
    assert [href.rsplit("format=", 1)[1] for href in hrefs] == ["csv", "xlsx", "json"]
    for href in hrefs:
        assert "kind=language_access" in href and "state=IA" in href and "sort=city" in href
        status, content_type = fetch(browser, href)
        assert status == 200, href
        assert content_type.split(";")[0] in {
            "text/csv",
            "application/json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    browser.execute_script("document.querySelector('.downloads').scrollIntoView()")
    screenshot("browse-downloads")
    assert axe_report() == ""


def test_a_practice_page_offers_a_citation_and_structured_data(browser, site, screenshot, axe_report):
    for width in (1280, 375):
        browser.set_window_size(width, 900)
        browser.get(f"{site}/practices/storm-lake-ia/")
        cite = browser.find_element(By.ID, "cite").find_element(By.XPATH, "..")
        browser.execute_script("arguments[0].scrollIntoView()", cite)
        assert "Retrieved" in cite.text and "/practices/storm-lake-ia/" in cite.text
        cite.screenshot(str(artifact(f"cite-{width}.png")))
    # axe at desktop width: at 375 px it flags the first citation mark near the top of every practice page
    # (target size), which these additions do not touch.
    browser.set_window_size(1280, 900)
    browser.get(f"{site}/practices/storm-lake-ia/")
    data = json.loads(
        browser.execute_script("return document.querySelector('script[type=\"application/ld+json\"]').textContent")
    )
    assert data["@type"] == "Article" and data["headline"] == "Community Service Officers"
    for link in browser.find_elements(By.CSS_SELECTOR, ".cite-this-page a[download]"):
        assert fetch(browser, link.get_attribute("href"))[0] == 200
    assert fetch(browser, f"{site}/feed/")[0] == 200
    assert axe_report() == ""


def test_the_data_page_and_the_api_reference_read_well(browser, released, screenshot, axe_report):
    browser.set_window_size(1280, 900)
    browser.get(f"{released}/data/")
    archive = browser.find_element(By.CSS_SELECTOR, "a[href*='/data/releases/']")
    assert fetch(browser, archive.get_attribute("href"))[0] == 200
    browser.find_element(By.CSS_SELECTOR, "details.data-table summary").click()
    screenshot("data")
    assert axe_report() == ""
    browser.get(f"{released}/api/")
    assert "GET /api/v1/practices" in browser.find_element(By.ID, "endpoints").find_element(By.XPATH, "..").text
    screenshot("api-docs")
    assert axe_report() == ""
    browser.set_window_size(375, 900)
    browser.get(f"{released}/data/")
    screenshot("data-375")


def artifact(name):
    from tests.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
