"""The map and the comparison in a real browser: choosing across pages, names, small screens, print."""

import base64
import shutil
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    yield
    browser.execute_script("try { localStorage.clear(); } catch (e) {}")
    browser.get("about:blank")


def open_fresh(browser, url):
    """Open ``url`` with no choice left in this browser's storage by earlier tests (one browser serves all)."""
    browser.get(url)
    browser.execute_script("localStorage.clear()")
    browser.get(url)


def then_wait_for_next_page(browser, action):
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(old_page))


def tick(browser, slug):
    label = browser.find_element(By.CSS_SELECTOR, f'.compare-choice input[value="{slug}"]').find_element(By.XPATH, "..")
    # Away from the bar that stays at the bottom of the window once something is ticked.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
    label.click()


def print_to_pdf(browser, name):
    """Print the page as Chromium would; save the PDF (and its pages as PNG) in artifacts/; the page count."""
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", ARTIFACTS / f"{name}.pdf", ARTIFACTS / name], check=False)
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def test_pick_three_practices_from_browse_and_compare_them(browser, site, screenshot):
    open_fresh(browser, site + "/practices/?state=MA")
    tick(browser, "chelsea-ma")
    status = browser.find_element(By.ID, "compare-status")
    assert "1 of 4 chosen" in status.text
    # Another filter, another page: the first choice is remembered (compare.js) and goes along.
    browser.get(site + "/practices/?state=VA")
    tick(browser, "newport-news-va")
    tick(browser, "norfolk-va")
    assert "3 of 4 chosen" in browser.find_element(By.ID, "compare-status").text
    button = browser.find_element(By.XPATH, "//button[normalize-space()='Compare the ticked practices']")
    then_wait_for_next_page(browser, button.click)
    assert "/compare/?" in browser.current_url
    columns = [cell.get_attribute("data-slug") for cell in browser.find_elements(By.CSS_SELECTOR, "thead th")]
    assert sorted(columns) == ["chelsea-ma", "newport-news-va", "norfolk-va"]
    screenshot("desktop")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return ['.site-header', '.compare-actions', '.share-url', '.compare-table__remove', '.compare-picker']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert hidden == ["none"] * 5
        assert print_to_pdf(browser, "compare-three") == 1
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_add_from_practice_pages_then_compare(browser, site):
    open_fresh(browser, site + "/practices/storm-lake-ia/")
    add = browser.find_element(By.CSS_SELECTOR, "form.compare-add button")
    assert add.text == "Add to comparison"
    add.click()
    assert "Choose another practice" in browser.find_element(By.CSS_SELECTOR, ".compare-add__status").text
    assert add.text == "Take out of the comparison"
    browser.get(site + "/practices/garden-grove-ca/")
    browser.find_element(By.CSS_SELECTOR, "form.compare-add button").click()
    link = browser.find_element(By.LINK_TEXT, "Compare the 2 chosen")
    then_wait_for_next_page(browser, link.click)
    columns = [cell.get_attribute("data-slug") for cell in browser.find_elements(By.CSS_SELECTOR, "thead th")]
    assert columns == ["storm-lake-ia", "garden-grove-ca"]


def test_every_marker_has_a_name_and_the_list_is_a_key_away(browser, site, screenshot):
    browser.get(site + "/departments/")
    marker_links = browser.find_elements(By.CSS_SELECTOR, ".map__markers a")
    assert len(marker_links) == 18
    names = [link.accessible_name for link in marker_links]
    assert all(names) and "Storm Lake, Iowa: Community Service Officers" in names
    skip = browser.find_element(By.CSS_SELECTOR, ".map-panel__skip")
    skip.send_keys("\n")
    assert browser.switch_to.active_element.get_attribute("id") == "map-list"
    screenshot("desktop")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.find_element(By.CSS_SELECTOR, "svg.map").is_displayed()
        print_to_pdf(browser, "departments-map")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.parametrize(
    "path", ["/compare/?p=storm-lake-ia&p=garden-grove-ca&p=saint-paul-mn", "/practices/", "/departments/"]
)
def test_no_sideways_scrolling_at_375_pixels(browser, site, screenshot, path):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        browser.get(site + path)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if "compare" not in path:
            # On a phone the map starts folded (map.js), so the results come first; it opens on demand.
            panel = browser.find_element(By.CSS_SELECTOR, "details.map-panel")
            assert panel.get_attribute("open") is None
            panel.find_element(By.TAG_NAME, "summary").click()
        screenshot("375px")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
