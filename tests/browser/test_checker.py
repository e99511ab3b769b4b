"""The accessibility and validity checks themselves catch real problems."""

import pytest


def test_check_page_fails_on_an_inaccessible_invalid_page(page, check_page):
    page.set_content("<title>x</title><body><img src='a.png'><p><div></p></body>")
    with pytest.raises(AssertionError) as raised:
        check_page(page, html="<!DOCTYPE html><html><body><span><div></span></body></html>")
    assert "HTML errors" in str(raised.value)
    with pytest.raises(AssertionError) as raised:
        check_page(page, html="<!DOCTYPE html><html lang=en><title>t</title><p>ok</p></html>")
    assert "axe violations" in str(raised.value)
    assert "image-alt" in str(raised.value)
