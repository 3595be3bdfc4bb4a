"""The demo's reports opened in headless Chromium, as a person would see them.

`make test` opens one report, the LP #1731986 replay with the bug (the one with the most to
show: a failure, a frozen window never thawed, refused calls), in one browser with one page
load: the timeline's lanes and markers, the sequence diagram and the bandwidth chart have
non-empty boxes on screen, the set-up switch unfolds what came before the first step, the trace
table lists events and filters them, the console shows no error, and the page asks the network
for nothing (it loads from file:// and fetches nothing else).

The same checks on every report of the tour run with ``make screenshots`` (marker
``browser_tour``, deselected in ``make test``: five more page loads).
"""

import pytest

pytestmark = pytest.mark.xdist_group("demo")  # with --dist loadgroup: the demo reports once

BOXES = """selector => [...document.querySelectorAll(selector)]
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0).length"""
FOCUSED = """() => document.activeElement.getAttribute("class") || document.activeElement.id"""


class Tab:
    """The browser's tab, with what each page loaded in it said and asked for. The browser runs
    in a thread of its own (`tests.views.browser.Background`): each method is a call there."""

    def __init__(self, browser):
        self.browser = browser
        self.problems: list[str] = []
        self.requests: list[str] = []
        browser.call(self._listen)

    def _listen(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path) -> None:
        self.problems.clear()
        self.requests.clear()
        self.browser.call(lambda page: page.goto(path.as_uri()))

    def boxes(self, selector: str) -> int:
        return self.browser.call(lambda page: page.evaluate(BOXES, selector))

    def text(self, selector: str) -> str:
        return self.browser.call(lambda page: page.inner_text(selector))

    def check(self, selector: str) -> None:
        self.browser.call(lambda page: page.check(selector))

    def fill(self, selector: str, value: str) -> None:
        self.browser.call(lambda page: page.fill(selector, value))

    def focus(self, selector: str) -> None:
        self.browser.call(lambda page: page.focus(selector))

    def press(self, key: str) -> str:
        """Press `key`; the class (or else the id) of what has the focus then."""
        self.browser.call(lambda page: page.keyboard.press(key))
        return self.browser.call(lambda page: page.evaluate(FOCUSED))


@pytest.fixture(scope="module")
def tab(chromium):
    yield Tab(chromium)
    chromium.stop()  # the browser closes while the next tests run


def check_pictures_and_offline(tab, path) -> None:
    """What every report shows on screen, and that it loaded nothing but itself."""
    name = path.name
    assert tab.boxes("svg.swimlane .lane") >= 4, name
    assert tab.boxes("svg.swimlane .marker") >= 3, name
    assert tab.boxes("svg.sequence .message") >= 5, name
    assert tab.boxes("#events tbody tr") >= 10, name
    if tab.boxes("svg.bandwidth") == 0:  # no data moved after the first step:
        tab.check("#show-setup")  # the set-up's image download is there
    assert tab.boxes("svg.bandwidth .flow") >= 1, name
    assert tab.problems == [], name
    assert tab.requests == [path.as_uri()], name


# Not `early`: the browser started as the session's tests did (tests/views/conftest.py), and
# runs late in its share, it has started by now: the test waits only on its page load and checks.
def test_the_bug_report_shows_its_pictures_points_at_the_failure_and_stays_offline(tab, demo_tour):
    (bug_on,) = [p for p in demo_tour[1] if p.name == "5-lp1731986-bug-on.html"]
    tab.open(bug_on)
    assert tab.boxes("svg.swimlane .bar-frozen.failed") == 1
    assert tab.boxes("svg.sequence .message.failed") == 2  # the 413 and the 403
    assert "not thawed by the end" in tab.text("#timeline")
    assert tab.boxes("#events tbody tr.setup") == 0  # the set-up is folded away...
    # the keyboard reaches a bar's details (session 39's teacher: they were on hover only)
    tab.focus("#show-setup")
    focused = [tab.press("Tab") for _ in range(5)]
    assert focused[0] == "marker marker-step" and focused[-1] == "bar bar-frozen failed", focused
    assert tab.boxes("#focus-details") == 1
    assert tab.text("#focus-details").startswith("0.102 s → 0.638 s\ndb's filesystems frozen")
    assert tab.press("Shift+Tab") == "bar bar-quiesce"
    assert tab.text("#focus-details").startswith("0.002 s → 0.102 s\nfsfreeze of db")
    steps = tab.boxes("#events tbody tr")
    check_pictures_and_offline(tab, bug_on)  # (unfolds the set-up for its image download)
    assert tab.boxes("#events tbody tr.setup") > 0  # ...and one click shows it
    assert tab.boxes("#events tbody tr") > steps
    tab.fill("#filter", "413")
    rows = tab.text("#events tbody")
    assert "SnapshotLimitExceeded" in rows and "create_snapshot_force" in rows
    assert tab.problems == []


@pytest.mark.browser_tour
def test_every_demo_report_shows_its_pictures_and_stays_offline(tab, demo_tour):
    _, reports = demo_tour
    assert len(reports) == 6
    for path in reports:
        tab.open(path)
        check_pictures_and_offline(tab, path)
