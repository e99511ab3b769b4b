"""Steps that the browser tests share: signing in, pressing buttons, following links."""

from __future__ import annotations

from tests.partnerships.factories import PASSWORD


def submit(page, button: str):
    """Press a button (a form post) and return the response of the page it ends on."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def follow(page, link: str, exact: bool = False):
    """Follow a link, or a link that looks like a button (GOV.UK gives those role=button)."""
    target = page.get_by_role("link", name=link, exact=exact).or_(
        page.locator("a[role=button]").filter(has_text=link)
    )
    with page.expect_navigation() as navigation:
        target.first.click()
    return navigation.value


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    submit(page, "Sign in")


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def banner(page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()
