"""The state-law pages in a real browser: an axe scan, a 375 px phone, and print."""

import base64
import re

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "states": "/states/",
    "states-filtered": "/states/?stance=limits_cooperation&stance=mixed",
    "texas": "/states/tx/",
    "alaska": "/states/ak/",
    "practice-with-state-law": "/practices/storm-lake-ia/",
    "department-with-state-law": "/departments/garden-grove-ca/",
}


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    yield
    browser.get("about:blank")


def pdf_pages(pdf_bytes):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf_bytes))


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_accessibility_violations(browser, site, screenshot, axe_report, name):
    browser.get(site + PAGES[name])
    report = axe_report()
    screenshot("desktop")
    assert not report, report


@pytest.mark.parametrize("name", ["states", "texas", "practice-with-state-law"])
def test_readable_on_a_375_pixel_phone(browser, site, screenshot, name):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        browser.get(site + PAGES[name])
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot("375px")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("name", ["states", "texas"])
def test_prints_without_the_filter_form_and_with_the_legal_notice(browser, site, screenshot, name):
    browser.get(site + PAGES[name])
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for hidden in [".site-header", ".site-footer"] + ([".stance-filter"] if name == "states" else []):
            display = browser.execute_script(
                "return getComputedStyle(document.querySelector(arguments[0])).display", hidden
            )
            assert display == "none", f"{hidden} shows in print"
        assert browser.find_element(By.CSS_SELECTOR, ".legal-notice").is_displayed()
        screenshot("print")
        pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"state-law-{name}.pdf").write_bytes(pdf)
        assert pdf_pages(pdf) >= 1
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
