"""Real Chromium (Debian's, installed by ``make chromium``) driven by Playwright, against the app on a
free 127.0.0.1 port with its own SQLite database.

Every page opened here goes through a guard: a request to any host but this machine is aborted and
recorded, and the test fails at teardown naming it. Browser tests run once per ``make test`` (they use
no ``database_url``, so the PostgreSQL pass deselects them) and carry the ``browser`` marker.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import LiveServer

CHROMIUM = os.environ.get("PARCELTRAIL_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
# Screenshots go to build/screenshots (ignored by git) so a test run leaves the work tree clean;
# `make screenshots` runs the browser tests with PARCELTRAIL_SCREENSHOTS=docs/img to refresh the committed ones.
SCREENSHOTS = Path(os.environ.get("PARCELTRAIL_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots")
MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture(scope="session")
def chromium():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium (as root)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


class Guarded:
    """A browser context whose every non-local request is aborted and remembered."""

    def __init__(self, browser, viewport: dict[str, int]) -> None:
        self.foreign: list[str] = []
        self.context = browser.new_context(viewport=viewport, java_script_enabled=True)
        self.context.route("**/*", self._route)
        self.context.on("request", self._seen)

    def _route(self, route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self._seen(route.request)
            route.abort()

    def _seen(self, request) -> None:
        if not is_local(request.url) and request.url not in self.foreign:
            self.foreign.append(request.url)

    def page(self):
        return self.context.new_page()


@pytest.fixture
def guarded(chromium) -> Iterator:
    """``guarded(viewport=...)`` opens a guarded context; the test fails if any of them left the machine."""
    made: list[Guarded] = []

    def open_context(viewport: dict[str, int] | None = None) -> Guarded:
        made.append(Guarded(chromium, viewport or DESKTOP))
        return made[-1]

    yield open_context
    foreign = [url for g in made for url in g.foreign]
    for g in made:
        g.context.close()
    assert not foreign, f"pages requested non-local URLs: {foreign}"


@pytest.fixture
def page(guarded):
    return guarded().page()


@contextmanager
def serve_site(folder: Path, **changes) -> Iterator[LiveServer]:
    """The whole app (API + pages) on a real port, with a SQLite database of its own in ``folder``;
    ``changes`` are settings (a secret key, an SMTP URL) the pages under test need."""
    from parceltrail.api import create_app
    from parceltrail.settings import Settings
    from parceltrail.store import make_engine, migrate

    settings = Settings(database_url=f"sqlite:///{folder / 'site.db'}", queue_url=f"sqlite:///{folder / 'q.db'}",
                        **changes)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with LiveServer(create_app(settings, engine)) as server:
        server.engine = engine
        yield server
    engine.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[LiveServer]:
    with serve_site(tmp_path_factory.mktemp("site")) as server:
        yield server


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
