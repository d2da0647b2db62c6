"""Finding things on a phone (issue 17): filters and sort that apply as they change, folded facets with a
box to find an option, the count and first result in view after applying, with and without JavaScript,
by keyboard alone, and an axe scan of the search pages."""

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.test_browser import active, assert_results_heading, tab_until, then_wait_for_next_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 1, "mobile": True}


@pytest.fixture
def phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get("about:blank")


@pytest.fixture
def without_javascript(browser):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    yield browser
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def in_view(browser, element):
    """Whether the element's top and bottom are both inside the window."""
    return browser.execute_script(
        "const box = arguments[0].getBoundingClientRect();"
        "return box.top >= -1 && box.bottom <= window.innerHeight + 1;",
        element,
    )


def assert_count_and_first_result_in_view(browser):
    heading = browser.find_element(By.ID, "results-heading")
    first = browser.find_element(By.CSS_SELECTOR, ".result-list .result h3")
    try:
        WebDriverWait(browser, 5).until(lambda driver: in_view(driver, heading) and in_view(driver, first))
    except TimeoutException:
        where = browser.execute_script(
            "return [arguments[0], arguments[1]]"
            ".map(e => { const b = e.getBoundingClientRect(); return [b.top, b.bottom]; })"
            ".concat([window.innerHeight])",
            heading,
            first,
        )
        raise AssertionError(f"the result count and the first result are not both in view: {where}") from None


def option(browser, facet, value):
    return browser.find_element(By.CSS_SELECTOR, f"#facet-{facet} input[value='{value}']")


def test_on_a_phone_filters_apply_as_they_change_and_the_results_are_one_tap_away(phone, site, screenshot):
    phone.get(site + "/practices/")
    panel = phone.find_element(By.ID, "filter-panel")
    assert panel.get_attribute("open") is None, "on a phone the panel starts folded so the results come first"
    panel.find_element(By.TAG_NAME, "summary").click()
    # Each facet shows its top options; the rest wait behind "Show all".
    for fieldset in phone.find_elements(By.CSS_SELECTOR, "fieldset.facet"):
        shown = [box for box in fieldset.find_elements(By.CSS_SELECTOR, "input[type=checkbox]") if box.is_displayed()]
        assert len(shown) <= 6, fieldset.get_attribute("id")
    assert not phone.find_elements(By.XPATH, "//button[normalize-space()='Apply filters']")[0].is_displayed()
    screenshot("panel")

    box = option(phone, "kind", "language_access")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    assert_results_heading(phone, "14 practices")
    assert "kind=language_access" in phone.current_url, "the address follows, so the view can be shared"
    assert option(phone, "kind", "language_access").is_selected()
    assert phone.find_element(By.ID, "filter-panel").get_attribute("open") is not None, "the panel stays open"
    show = phone.find_element(By.PARTIAL_LINK_TEXT, "Show the 14 practices")
    assert in_view(phone, show), "the way to the results stays in reach while choosing"
    show.click()
    assert_count_and_first_result_in_view(phone)
    screenshot("results")


def test_sort_applies_as_it_changes(browser, site):
    browser.get(site + "/practices/?kind=language_access")
    Select(browser.find_element(By.ID, "sort")).select_by_visible_text("City (A to Z)")
    WebDriverWait(browser, 10).until(lambda driver: "sort=city" in driver.current_url)
    cities = [element.text for element in browser.find_elements(By.CSS_SELECTOR, ".result .card__meta")]
    assert cities == sorted(cities, key=str.lower)
    assert browser.find_element(By.ID, "sort").get_attribute("value") == "city"


def test_a_long_facet_has_a_box_to_find_an_option(phone, site):
    phone.get(site + "/practices/")
    phone.find_element(By.CSS_SELECTOR, "#filter-panel summary").click()
    find = phone.find_element(By.ID, "facet-community-find")
    label = phone.find_element(By.CSS_SELECTOR, "label[for='facet-community-find']").text
    assert label == "Find in “community served”"
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", find)
    find.send_keys("soma")
    shown = [
        element.text
        for element in phone.find_elements(By.CSS_SELECTOR, "#facet-community li")
        if element.is_displayed()
    ]
    assert len(shown) == 1 and shown[0].startswith("Somali")
    # An option found in the folded part is ticked like any other, and the box keeps its words.
    option(phone, "community", "somali").click()
    WebDriverWait(phone, 10).until(lambda driver: "community=somali" in driver.current_url)
    assert phone.find_element(By.ID, "facet-community-find").get_attribute("value") == "soma"
    phone.find_element(By.ID, "facet-community-find").send_keys("zzz")
    assert phone.find_element(By.CSS_SELECTOR, "#facet-community .facet__none").is_displayed()


def test_without_javascript_the_form_applies_with_a_button_and_lands_on_the_results(
    phone, without_javascript, site, screenshot
):
    phone.get(site + "/practices/")
    assert phone.find_element(By.ID, "filter-panel").get_attribute("open") is not None
    more = phone.find_element(By.CSS_SELECTOR, "#facet-state .facet__more summary")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", more)
    more.click()
    box = option(phone, "state", "IA")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    apply = phone.find_element(By.XPATH, "//button[normalize-space()='Apply filters']")
    assert apply.is_displayed()
    then_wait_for_next_page(phone, apply.click)
    assert "state=IA" in phone.current_url and phone.current_url.endswith("#results-heading")
    assert_count_and_first_result_in_view(phone)
    screenshot("no-js-results")


def test_keyboard_only_filters_show_all_and_result_tags(browser, site):
    browser.get(site + "/practices/")
    checkbox = tab_until(browser, lambda el: el.get_attribute("value") == "cultural_liaison")
    checkbox.send_keys(Keys.SPACE)
    assert_results_heading(browser, "15 practices")
    focused = active(browser)
    assert focused.get_attribute("value") == "cultural_liaison", "focus stays where the visitor was"
    summary = tab_until(browser, lambda el: el.tag_name == "summary" and "Show all" in el.text)
    summary.send_keys(Keys.ENTER)
    assert summary.find_element(By.XPATH, "..").get_attribute("open") is not None
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert active(browser).get_attribute("type") == "checkbox", "the unfolded options come next"
    tag = tab_until(browser, lambda el: "tag" in (el.get_attribute("class") or "").split(), limit=400)
    name = tag.text
    then_wait_for_next_page(browser, lambda: tag.send_keys(Keys.ENTER))
    assert "?kind=" in browser.current_url
    chips = [chip.text for chip in browser.find_elements(By.CSS_SELECTOR, "a.chip")]
    assert any(name in chip for chip in chips)


def test_a_search_shows_partial_matches_and_marks_the_words(phone, site, screenshot):
    phone.get(site + "/practices/?q=Somali+Hmong")
    assert_results_heading(phone, "2 practices matching every word of “Somali Hmong”")
    assert phone.find_element(By.ID, "partial-heading").text == "Practices that match some of your words"
    marks = {mark.text.lower() for mark in phone.find_elements(By.CSS_SELECTOR, ".result-list mark")}
    assert {"somali", "hmong"} <= {mark.rstrip("s") for mark in marks}
    screenshot("partial")


def test_a_term_links_to_the_glossary_where_it_first_appears(browser, site):
    browser.get(site + "/practices/storm-lake-ia/")
    links = browser.find_elements(By.CSS_SELECTOR, "a.glossed[href$='#u-visa']")
    assert len(links) == 1
    then_wait_for_next_page(browser, links[0].click)
    assert browser.current_url.endswith("/glossary/#u-visa")
    assert "U visa" in browser.find_element(By.ID, "u-visa").text


SEARCH_PAGES = {
    "partial": "/practices/?q=Somali+Hmong",
    "did-you-mean": "/practices/?q=somlai",
    "synonym": "/practices/?q=u-visa",
    "glossary": "/glossary/",
}


@pytest.mark.parametrize("name", list(SEARCH_PAGES))
def test_axe_finds_no_violations_on_the_search_pages_on_a_phone(phone, site, axe_report, screenshot, name):
    phone.get(site + SEARCH_PAGES[name])
    if name != "glossary":
        # Everything the enhancements add is in the page: the panel open, a facet unfolded, a find box used.
        phone.find_element(By.CSS_SELECTOR, "#filter-panel summary").click()
        more = phone.find_elements(By.CSS_SELECTOR, ".facet__more summary")
        if more:
            phone.execute_script("arguments[0].click()", more[0])
    report = axe_report()
    screenshot("page")
    assert not report, report


def test_after_filters_apply_in_place_the_compare_ticks_still_work(browser, site):
    browser.get(site + "/practices/")
    browser.execute_script("window.localStorage.clear()")
    box = option(browser, "kind", "language_access")
    box.click()
    assert_results_heading(browser, "14 practices")
    tick = browser.find_element(By.CSS_SELECTOR, ".compare-choice input")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tick)
    tick.click()
    assert "1 of 4 chosen" in browser.find_element(By.ID, "compare-status").text
