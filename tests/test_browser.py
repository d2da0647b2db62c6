"""The site in a real browser: clicking, keyboard only, small screens, print, and an axe scan."""

import base64

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "browse": "/practices/",
    "browse-filtered": "/practices/?kind=language_access&state=IA&q=police",
    "practice": "/practices/storm-lake-ia/",
    "case-study": "/practices/indianapolis-model-2000-2007/",
    "thin-practice": "/practices/portland-or/",
    "departments": "/departments/",
    "department": "/departments/storm-lake-ia/",
    "recommendations": "/recommendations/",
    "about": "/about/",
    "correction": "/corrections/new/?page=/practices/storm-lake-ia/",
    "not-found": "/practices/no-such-practice/",
    "compare": "/compare/?p=storm-lake-ia&p=garden-grove-ca&p=saint-paul-mn",
    "compare-one": "/compare/?p=storm-lake-ia&p=no-such-practice",
}


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    """Let the browser go idle before the live server and its database are torn down."""
    yield
    browser.get("about:blank")


def then_wait_for_next_page(browser, action):
    """Do something that loads a page, and wait until the old page is gone."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(old_page))


def results_heading(browser):
    return browser.find_element(By.ID, "results-heading").text


def assert_results_heading(browser, expected):
    try:
        # Filters apply in place (static/js/filters.js): the heading read may be swapped out while reading it.
        wait = WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException])
        wait.until(lambda driver: results_heading(driver) == expected)
    except TimeoutException:
        raise AssertionError(f"results heading is {results_heading(browser)!r}, expected {expected!r}") from None


def active(browser):
    return browser.switch_to.active_element


def tab_until(browser, matches, limit=150):
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if matches(active(browser)):
            return active(browser)
    raise AssertionError("Tab never reached the expected element")


def test_filter_by_clicking_then_remove_the_chip(browser, site, screenshot):
    browser.get(site + "/practices/")
    assert_results_heading(browser, "18 practices")
    # With JavaScript a filter applies as it is ticked (tests/test_find_browser.py tries it without).
    browser.find_element(By.XPATH, "//label[contains(normalize-space(), 'Language access')]/input").click()
    assert_results_heading(browser, "14 practices")
    assert "kind=language_access" in browser.current_url
    screenshot("filtered")
    chip = browser.find_element(By.CSS_SELECTOR, "a.chip")
    assert "Language access" in chip.text
    then_wait_for_next_page(browser, chip.click)
    assert_results_heading(browser, "18 practices")
    assert "kind=" not in browser.current_url


def test_search_from_the_home_page(browser, site):
    browser.get(site + "/")
    box = browser.find_element(By.ID, "home-search")
    then_wait_for_next_page(browser, lambda: box.send_keys("Robbinsdale", Keys.ENTER))
    assert_results_heading(browser, "1 practice matching “Robbinsdale”")
    assert browser.find_element(By.CSS_SELECTOR, ".result h3 a").text == "Joint Community Police Partnership"


def test_follow_a_citation_to_its_source(browser, site):
    browser.get(site + "/practices/storm-lake-ia/")
    citation = browser.find_element(By.CSS_SELECTOR, "#how-it-works ~ ul .cite a")
    number = citation.text.strip("[]")
    citation.click()
    assert browser.current_url.endswith(f"#source-{number}")
    target = browser.find_element(By.ID, f"source-{number}")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 <= top < browser.execute_script("return window.innerHeight")
    assert target.find_element(By.TAG_NAME, "a").get_attribute("href").startswith("http")


def test_keyboard_only_skip_link_and_filtering(browser, site):
    browser.get(site + "/practices/")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = active(browser)
    assert skip.text == "Skip to main content"
    assert browser.execute_script("return getComputedStyle(arguments[0]).top", skip) != "-64px"
    skip.send_keys(Keys.ENTER)
    assert active(browser).get_attribute("id") == "main"

    checkbox = tab_until(browser, lambda el: el.get_attribute("value") == "cultural_liaison")
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", checkbox)
    assert outline != "none", "focused controls must show a visible focus ring"
    checkbox.send_keys(Keys.SPACE)
    assert_results_heading(browser, "15 practices")
    assert "kind=cultural_liaison" in browser.current_url


@pytest.mark.parametrize("name", ["home", "browse", "practice", "recommendations", "about", "departments"])
def test_readable_at_320_pixels(browser, site, screenshot, name):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 720, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        browser.get(site + PAGES[name])
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot("320px")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_practice_prints_as_a_clean_handout(browser, site):
    browser.get(site + "/practices/storm-lake-ia/")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return ['.site-header', '.site-footer', '.facts-nav', '.breadcrumbs']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert hidden == ["none"] * 4
        assert browser.find_element(By.ID, "sources").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".print-only").is_displayed()
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "storm-lake-handout.pdf").write_bytes(base64.b64decode(pdf["data"]))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_accessibility_violations(browser, site, screenshot, axe_report, name):
    browser.get(site + PAGES[name])
    report = axe_report()
    screenshot("page")
    assert not report, report
