"""Each report the demo writes, opened in headless Chromium, as a person would see it.

One browser serves every check: the timeline's lanes and markers, the sequence diagram and the
bandwidth chart have non-empty boxes on screen, the set-up switch unfolds what came before the
first step, the trace table lists events and filters them, the console shows no error, and the
page asks the network for nothing (it loads from file:// and fetches nothing else).
"""

import pytest

from tests.views.browser import find_chromium, launch

BOXES = """selector => [...document.querySelectorAll(selector)]
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0).length"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: pip install -e '.[test]'"
    )
    chromium, why = find_chromium()
    if chromium is None:
        pytest.skip(why)
    with sync_api.sync_playwright() as playwright:
        context = launch(playwright, str(tmp_path_factory.mktemp("chromium-profile")))
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def reports(demo_tour):
    return demo_tour[1]


def test_every_demo_report_shows_its_pictures_and_stays_offline(browser, reports):
    assert len(reports) == 6
    for path in reports:
        page = browser.new_page()
        problems, requests = [], []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))  # noqa: B023
        page.on("pageerror", lambda e: problems.append(str(e)))  # noqa: B023
        page.on("request", lambda r: requests.append(r.url))  # noqa: B023
        page.goto(path.as_uri())
        name = path.name
        assert page.evaluate(BOXES, "svg.swimlane .lane") >= 4, name
        assert page.evaluate(BOXES, "svg.swimlane .marker") >= 3, name
        assert page.evaluate(BOXES, "svg.sequence .message") >= 5, name
        assert page.evaluate(BOXES, "#events tbody tr") >= 10, name
        if page.evaluate(BOXES, "svg.bandwidth") == 0:  # no data moved after the first step:
            page.check("#show-setup")  # the set-up's image download is there
        assert page.evaluate(BOXES, "svg.bandwidth .flow") >= 1, name
        assert problems == [], name
        assert requests == [path.as_uri()], name
        page.close()


def test_the_bug_report_points_at_the_failure(browser, reports):
    (bug_on,) = [p for p in reports if p.name == "5-lp1731986-bug-on.html"]
    page = browser.new_page()
    page.goto(bug_on.as_uri())
    assert page.evaluate(BOXES, "svg.swimlane .bar-frozen.failed") == 1
    assert page.evaluate(BOXES, "svg.sequence .message.failed") == 2  # the 413 and the 403
    assert "never thawed" in page.inner_text("#timeline")
    page.fill("#filter", "413")
    rows = page.inner_text("#events tbody")
    assert "SnapshotLimitExceeded" in rows and "create_snapshot_force" in rows
    page.close()
