"""What the browser tests share besides fixtures: sizes, the editor's password, small page helpers."""

import re

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

EDITOR_PASSWORD = "mot-de-passe-de-test-assez-long"


def login(page, server_url: str, *, username: str = "claire", password: str = EDITOR_PASSWORD) -> None:
    """Log in through the admin's login form, as a person would."""
    page.goto(f"{server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server_url}/admin/")


def select2_pick(page, select_id: str, typed: str, option: str) -> None:
    """Type ``typed`` into the select2 widget of ``<select id=select_id>`` and click ``option``.

    Works for both shapes the admin uses: a multiple select (its search box is inline) and a
    single select (the search box opens in a dropdown).
    """
    from playwright.sync_api import expect  # here, so that conftest imports without Playwright

    container = page.locator(f"#{select_id} + .select2-container")
    container.locator(".select2-selection").click()
    inline_search = container.locator(".select2-search__field")
    search = inline_search if inline_search.count() else page.locator(".select2-dropdown .select2-search__field")
    search.fill(typed)
    choice = page.locator(".select2-results__option", has_text=re.compile(rf"^{re.escape(option)}$"))
    expect(choice).to_be_visible()
    choice.click()


def admin_save(page, button: str = "_continue") -> None:
    """Click one of the change form's save buttons (the bottom row) and wait for the next page."""
    with page.expect_navigation():
        page.locator(f".submit-row input[name={button}]").last.click()


def tab_to(page, locator, *, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the keyboard focus; fail if it never gets it.

    Also checks that the focused element shows where the focus is (an outline or a shadow),
    as a keyboard user needs to see it.
    """
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            indicator = locator.evaluate(
                """element => {
                    const style = getComputedStyle(element);
                    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                        || style.boxShadow !== "none";
                }"""
            )
            assert indicator, f"{locator} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"{locator} never got the keyboard focus after {limit} presses of Tab")
