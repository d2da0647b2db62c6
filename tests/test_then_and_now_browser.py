"""In a real browser: a practice page tells what became of the program, on a desktop, at 375 px and in print."""

import base64

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/practices/saint-paul-mn/"
CURRENT_PAGE = "https://www.stpaul.gov/SPPDManual/343_00.htm"


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    yield
    browser.get("about:blank")


def test_a_practice_page_shows_since_the_report_its_status_and_its_current_page(browser, site, screenshot):
    browser.get(site + PAGE)
    box = browser.find_element(By.CSS_SELECTOR, ".status-box")
    assert box.text.startswith("Today: Running. A dated source from 2021 shows the program at work.")
    assert "Checked late 2026." in box.text
    link = box.find_element(
        By.LINK_TEXT, "Police manual, 343.00: A Community Outreach Program (Saint Paul Police Department)"
    )
    assert link.get_attribute("href") == CURRENT_PAGE
    heading = browser.find_element(By.ID, "since-report")
    assert heading.text == "Since the report"
    # The box comes before the summary: a reader sees it without scrolling.
    assert box.location["y"] < browser.find_element(By.ID, "summary").location["y"] < heading.location["y"]
    dated = browser.find_elements(By.CSS_SELECTOR, ".since-report li")
    assert len(dated) == 6 and "RES 21-423" in dated[4].text
    screenshot("desktop")


def test_the_status_reads_at_375_pixels(browser, site, screenshot):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        browser.get(site + PAGE)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 375px"
        box = browser.find_element(By.CSS_SELECTOR, ".status-box")
        assert box.location["y"] + box.size["height"] < 812 * 1.5, "the status is buried below the fold"
        screenshot("375px")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_printed_page_keeps_the_status_and_the_current_pages_address(browser, site):
    browser.get(site + PAGE)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.find_element(By.CSS_SELECTOR, ".status-box").is_displayed()
        printed_address = browser.execute_script(
            "return getComputedStyle(document.querySelector('.status-box a[href^=\"http\"]'), '::after').content"
        )
        assert CURRENT_PAGE in printed_address
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "saint-paul-handout.pdf").write_bytes(base64.b64decode(pdf["data"]))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.parametrize("path", [PAGE, "/practices/?status=no-trace&evidence=report", "/departments/?policy=written"])
def test_axe_finds_no_violations_on_the_new_parts(browser, site, axe_report, path):
    browser.get(site + path)
    report = axe_report()
    assert not report, report
