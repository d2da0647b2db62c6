"""/plan/ in a real browser: keyboard only, small screens, print, and an axe scan."""

import base64
import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.conftest import ARTIFACTS
from tests.test_browser import active, tab_until, then_wait_for_next_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLED = (
    "/plan/?size=small&state=IA&community=lao&community=mexican&language=lo&language=es"
    "&interpreters=no&advisory_group=yes&concern=language&other_communities=Karen"
)
PAGES = {
    "plan-empty-form": "/plan/",
    "plan-filled": FILLED,
    "plan-general": "/plan/?size=",
    "plan-errors": "/plan/?population=abc&state=ZZ&community=martians&concern=language",
}


@pytest.fixture(autouse=True)
def leave_the_page(browser):
    """Let the browser go idle before the live server and its database are torn down."""
    yield
    browser.get("about:blank")


def open_the_form(browser):
    """On a plan, the form is folded under "Change your answers"; unfold it."""
    browser.execute_script("document.querySelectorAll('details.plan-form-panel').forEach(d => d.open = true)")


def display_of(browser, selector):
    return browser.execute_script("return getComputedStyle(document.querySelector(arguments[0])).display", selector)


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_accessibility_violations(browser, site, screenshot, axe_report, name):
    browser.get(site + PAGES[name])
    open_the_form(browser)
    report = axe_report()
    screenshot("desktop")
    assert not report, report


def test_fill_the_form_by_keyboard_only_and_reach_the_plan(browser, site, screenshot):
    browser.get(site + "/plan/")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert active(browser).text == "Skip to main content"
    active(browser).send_keys(Keys.ENTER)
    assert active(browser).get_attribute("id") == "main"

    population = tab_until(browser, lambda el: el.get_attribute("id") == "id_population")
    population.send_keys("10,000")
    state = tab_until(browser, lambda el: el.get_attribute("id") == "id_state")
    state.send_keys("Iowa")
    assert browser.execute_script("return arguments[0].value", state) == "IA"

    lao = tab_until(browser, lambda el: el.get_attribute("name") == "community" and el.get_attribute("value") == "lao")
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", lao)
    assert outline != "none", "focused controls must show a visible focus ring"
    lao.send_keys(Keys.SPACE)
    assert lao.is_selected()

    # Tab enters a radio group at its chosen answer ("Not sure"); the arrow key picks "No".
    unsure = tab_until(browser, lambda el: el.get_attribute("name") == "interpreters")
    assert unsure.get_attribute("value") == ""
    unsure.send_keys(Keys.LEFT)
    assert active(browser).get_attribute("value") == "no" and active(browser).is_selected()

    worry = tab_until(
        browser, lambda el: el.get_attribute("name") == "concern" and el.get_attribute("value") == "language"
    )
    worry.send_keys(Keys.SPACE)
    submit = tab_until(browser, lambda el: el.text == "Show my plan")
    then_wait_for_next_page(browser, lambda: submit.send_keys(Keys.ENTER))

    assert "population=10%2C000" in browser.current_url and "interpreters=no" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your starting plan"
    assert browser.find_element(By.CSS_SELECTOR, ".plan-departments h3").text == "Storm Lake, Iowa"
    first_step = browser.find_element(By.CSS_SELECTOR, ".plan-steps h3").text
    assert first_step.endswith("Adopt a written language-access plan for the police department")
    screenshot("plan")

    # The share link, followed by keyboard, gives the same plan.
    link = tab_until(browser, lambda el: el.text == "Link to this plan")
    then_wait_for_next_page(browser, lambda: link.send_keys(Keys.ENTER))
    assert "population=10000" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".plan-steps h3").text == first_step


def test_change_your_answers_from_the_plan(browser, site):
    browser.get(site + FILLED)
    summary = browser.find_element(By.CSS_SELECTOR, ".plan-form-panel summary")
    summary.click()
    browser.find_element(By.CSS_SELECTOR, 'input[name="advisory_group"][value="no"]').click()
    then_wait_for_next_page(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Show my plan']").click)
    assert "advisory_group=no" in browser.current_url
    reasons = browser.find_element(By.ID, "start-written-language-access-plan").find_element(By.XPATH, "..").text
    assert "You said there are no bilingual officers or interpreters." in reasons
    assert not browser.find_elements(By.ID, "less-urgent")


@pytest.mark.parametrize("name", list(PAGES))
def test_readable_at_320_pixels(browser, site, screenshot, name):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 720, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        browser.get(site + PAGES[name])
        open_the_form(browser)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot("320px")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_plan_prints_as_a_clean_handout(browser, site, screenshot):
    browser.get(site + FILLED)
    print_button = browser.find_element(By.CSS_SELECTOR, "[data-print]")
    assert print_button.is_displayed(), "with JavaScript the page offers a Print button"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 700, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the printed plan runs {overflow}px off the page"
        for hidden in [
            ".site-header",
            ".site-nav",
            ".site-footer",
            ".plan-form-panel",
            ".plan-actions",
            "[data-print]",
        ]:
            assert display_of(browser, hidden) == "none", f"{hidden} shows in print"
        assert browser.find_element(By.CSS_SELECTOR, ".checklist li").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".share-url").is_displayed()
        assert browser.find_element(By.ID, "sources").is_displayed()
        # The state's law and the checklist come first.
        order = browser.execute_script(
            "return ['#state-law', '#where-to-start', '#like-yours', '#your-answers']"
            ".map(s => document.querySelector(s).getBoundingClientRect().top)"
        )
        assert order == sorted(order), "the printed plan opens with the state's law, then the checklist"
        screenshot("print")
        pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "plan-handout.pdf").write_bytes(pdf)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("iowa-town", FILLED),
        ("texas-city", "/plan/?size=midsize&state=TX&community=vietnamese&language=vi&liaison=no&concern=deportation"),
        ("general", "/plan/?size="),
    ],
)
def test_a_typical_plan_prints_on_a_few_pages(browser, site, name, url):
    """Three or four: with the checklist, the state's law on every recommendation it marks, and sources."""
    browser.get(site + url)
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"plan-{name}.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) <= 4, f"the {name} plan prints on {pdf_pages(pdf)} pages"


def test_the_error_summary_links_to_each_field(browser, site):
    browser.get(site + PAGES["plan-errors"])
    links = browser.find_elements(By.CSS_SELECTOR, ".error-summary a")
    assert [link.text.split(":")[0] for link in links] == [
        "Or type its population",
        "State",
        "Immigrant communities in your city",
    ]
    for link in links:
        target = link.get_attribute("href").split("#")[1]
        assert browser.find_element(By.ID, target).is_displayed()
