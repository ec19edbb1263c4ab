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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


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
        # Pages of this app answer in well under a second; a missing element fails in 10 s, not 30.
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.width = width
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
        """Screenshot the current page; fail on serious or critical axe-core violations, or when the page
        scrolls sideways (at 390 px a page must fit a phone or small tablet)."""
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{slug}.png"), full_page=True)
        page_width = self.page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= self.width, f"{label} scrolls sideways: {page_width} px wide at {self.width} px"
        # Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays in force.
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"Accessibility problems on {label}:\n" + "\n".join(serious)

    def save_failure(self):
        """Keep what each browser showed when a test failed: a screenshot and the page's accessibility tree."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{self.name}-failed"
        try:
            self.page.screenshot(path=f"{target}.png", full_page=True)
            Path(f"{target}.txt").write_text(f"{self.page.url}\n{self.page.locator('body').aria_snapshot()}\n")
        except Exception as error:  # the browser may be what failed
            Path(f"{target}.txt").write_text(f"could not save the page: {error}\n")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium, live_server, request):
    opened = []
    for stale in ARTIFACTS.glob(f"{request.node.name}-*"):  # a rerun replaces this test's pictures
        stale.unlink()

    def _visit(name, width=1280):
        v = Visit(chromium, live_server.url, f"{request.node.name}-{name}", width)
        opened.append(v)
        return v

    yield _visit
    failed = getattr(request.node, "browser_test_failed", False)
    for v in opened:
        if failed:
            v.save_failure()
        v.close()
