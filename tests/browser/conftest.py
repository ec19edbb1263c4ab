"""Browser tests: Debian's chromium driven by Playwright against Django's live server.

Playwright never downloads a browser here: it starts /usr/bin/chromium (installed by bin/test or .ci/run).
Screenshots of every page a journey visits go to test-artifacts/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"



def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def chromium():
    """One browser for the browser tests; torn down when they are done.

    Playwright's sync API keeps an event loop in this thread, so Django would refuse the ORM calls the
    tests make to set up and check data (they are synchronous and safe): allow them, for these tests only.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (bin/test does so as root).")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


class Visit:
    """A staff member's browser session: log in, go to pages, check and photograph them."""

    def __init__(self, browser, base_url, name, width=1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.shots = 0

    def login(self, username, password):
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()
        return self

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def check(self, label):
        """Screenshot the current page and fail on serious or critical axe-core violations."""
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{slug}.png"), full_page=True)
        # Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays in force.
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"Accessibility problems on {label}:\n" + "\n".join(serious)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium, live_server, request):
    opened = []

    def _visit(name, width=1280):
        v = Visit(chromium, live_server.url, f"{request.node.name}-{name}", width)
        opened.append(v)
        return v

    yield _visit
    for v in opened:
        v.close()
