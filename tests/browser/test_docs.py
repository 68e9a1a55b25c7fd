"""/docs and /redoc work with no request leaving the machine, under a CSP that refuses inline scripts."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError


def test_swagger_ui_lists_the_api_offline(site, page):
    page.goto(f"{site.url}/docs")
    page.get_by_text("/v1/packages", exact=True).first.wait_for(timeout=15_000)
    assert page.locator(".opblock").count() >= 5
    assert "Swagger UI" in page.title()


def test_redoc_renders_the_api_offline(site, page):
    page.goto(f"{site.url}/redoc")
    page.get_by_role("heading", name="parceltrail", exact=False).first.wait_for(timeout=20_000)
    assert page.get_by_text("packages", exact=False).count() > 0


def test_inline_script_is_refused_by_the_csp(site, page):
    page.goto(f"{site.url}/docs")
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="window.injected = 1")
    assert page.evaluate("window.injected") is None


def test_the_guard_catches_a_request_to_another_host(guarded):
    context = guarded()
    probe = context.page()
    probe.set_content('<img src="http://203.0.113.9/pixel.png" alt="">')
    probe.wait_for_timeout(200)
    assert context.foreign == ["http://203.0.113.9/pixel.png"]
    context.foreign.clear()  # the test expected it; the fixture must not fail this test


def test_every_response_forbids_framing_and_inline_scripts(site):
    for path in ("/docs", "/redoc", "/healthz", "/openapi.json"):
        response = httpx.get(f"{site.url}{path}")
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
