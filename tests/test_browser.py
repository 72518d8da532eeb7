"""Both pages in a real headless Chromium: what a payer and a policy analyst will actually see.

Debian's ``chromium`` is driven through Playwright for Python, never with a browser Playwright
downloads. A deliberately wrong engine makes the run's page show a failing clause. Each page's
screenshot is kept in ``docs/`` for the README's readers. Where no browser can be had the tests
are skipped, with the reason (``pytest -rs`` shows it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from .kit import KIT_ROOT, conformance

pytestmark = pytest.mark.slow

#: Debian's chromium; another path may be named for a test of the skip itself.
CHROMIUM = os.environ.get("CONFORMANCE_TEST_CHROMIUM", "/usr/bin/chromium")
#: Headless, and quiet: no network of its own, no first-run or update traffic.
CHROMIUM_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The wrong engine whose failures the run's page shows: it covers adults only.
WRONG_ENGINE = "python:policy_conformance.reference.inotuzumab_besponsa.mutants:adults_only"
FAILING_CLAUSE = "INO-RR-BALL"
SCREENSHOTS = KIT_ROOT / "docs"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    run = conformance(
        "run", "--adapter", WRONG_ENGINE, "--html", str(out / "report.html"),
        report=out / "report.json",
    )  # fmt: skip
    assert run.code == 1, run.stderr
    docs = conformance("docs", "--out", str(out / "docs"))
    assert docs.code == 0, docs.stderr
    # The screenshots are committed: shown at a fixed time, they change only when the page does.
    report = json.loads((out / "report.json").read_text())
    for moment in ("generated", "started", "finished"):
        if moment in report:
            report[moment] = "2026-01-01T00:00:00+00:00"
    (out / "shown.json").write_text(json.dumps(report))
    shown = conformance("html", str(out / "shown.json"), "--out", str(out / "shown.html"))
    assert shown.code == 0, shown.stderr
    return {
        "report": out / "report.html",
        "shown": out / "shown.html",
        "docs": out / "docs" / "index.html",
        "out": out,
    }


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no browser: {CHROMIUM} is missing (apt-get install -y chromium; .ci/run tries it)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(
            f"no browser driver: playwright cannot be imported ({exc}); pip install '.[dev]'"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        except Exception as exc:
            pytest.skip(f"no browser: {CHROMIUM} does not start headless ({exc})")
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """A page opened from disk, with what the browser reported while it loaded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.fetched: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("request", self._request)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("file:", "data:")):
            self.fetched.append(request.url)

    def links(self) -> list[str]:
        # getAttribute, not .href: the chart's links are SVG elements, whose href is no string.
        return list(
            self.page.eval_on_selector_all(
                "a[href]",
                "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
            )
        )

    def text_of(self, selector: str) -> str:
        element = self.page.locator(selector).first
        element.scroll_into_view_if_needed()
        assert element.is_visible(), selector
        return str(element.inner_text())


def check_links(browser: Any, visit: Visit) -> int:
    """Every link of the page lands on a file that exists and on an element with its anchor."""
    ids: dict[Path, set[str]] = {}
    checked = 0
    for link in visit.links():
        parts = urlsplit(link)
        assert parts.scheme == "file", f"a link leaves the page's files: {link}"
        target = Path(unquote(parts.path))
        assert target.is_file(), f"link to a missing file: {link}"
        if parts.fragment:
            if target not in ids:
                other = browser.new_page()
                other.goto(target.as_uri())
                ids[target] = set(other.eval_on_selector_all("[id]", "all => all.map(e => e.id)"))
                other.close()
            assert parts.fragment in ids[target], f"link to a missing anchor: {link}"
        checked += 1
    return checked


def test_the_run_report_shows_the_failing_clause_with_expected_and_actual(
    browser: Any, pages: dict[str, Path]
) -> None:
    visit = Visit(browser, pages["report"])
    headline = visit.text_of("#headline")
    assert headline.startswith("Not conformant on 1 of ")
    failure = visit.text_of("#problems ~ section.clause-failures section.problem")
    assert FAILING_CLAUSE in failure
    mismatch = visit.text_of("section.problem table.mismatch")
    assert "outcome" in mismatch and "'covered'" in mismatch and "'not-covered'" in mismatch
    expected = visit.text_of("section.problem .expected")
    assert "Then the request is covered" in expected
    actual = visit.text_of("section.problem .actual")
    assert "engine answered 'not-covered'" in actual
    # The case sent and the decision received, as the report recorded them.
    assert '"case_id"' in visit.text_of("section.problem .case")
    assert '"outcome": "not-covered"' in visit.text_of("section.problem .decision")
    chart = visit.text_of("#chart + figure")
    assert f"{FAILING_CLAUSE}" in chart and "4 failed" in chart
    assert visit.errors == []
    assert visit.fetched == []
    assert check_links(browser, visit) > 20
    shown = Visit(browser, pages["shown"])
    assert shown.errors == [] and FAILING_CLAUSE in shown.text_of("section.problem")
    shown.page.screenshot(path=str(SCREENSHOTS / "report.png"))
    shown.page.locator("section.problem").first.screenshot(
        path=str(SCREENSHOTS / "report-failure.png")
    )


#: An engine that answers "covered" to every case, for every policy: failures everywhere.
ALWAYS_COVERED = "python:tests.engines.toy:decide"


def test_the_verdicts_of_an_engine_that_fails_everywhere_are_on_the_first_screens(
    browser: Any, tmp_path: Path
) -> None:
    page_path = tmp_path / "report.html"
    run = conformance("run", "--adapter", ALWAYS_COVERED, "--html", str(page_path))
    assert run.code == 1, run.err
    window = {"width": 800, "height": 900}
    page = browser.new_page(viewport=window)
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    top_of = "selector => document.querySelector(selector).getBoundingClientRect().top"
    # The verdict of every pack and clause starts within the first screen and a half.
    assert page.evaluate(top_of, "#summary") < 1.5 * window["height"]
    # The failures follow, grouped by clause, most of them folded: a few screens a clause.
    failures = page.evaluate(top_of, "#chart") - page.evaluate(top_of, "#problems")
    groups = page.eval_on_selector_all("section.clause-failures", "all => all.length")
    assert groups > 5 and failures < groups * 4 * window["height"], (failures, groups)
    # Nothing is wider than the window: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= window["width"], width
    headline = page.inner_text("#headline")
    assert headline.startswith("Not conformant on ") and " in inotuzumab_besponsa" in headline
    page.close()


def test_the_living_documentation_shows_every_pack_with_working_links(
    browser: Any, pages: dict[str, Path]
) -> None:
    index = Visit(browser, pages["docs"])
    assert "Inotuzumab (Besponsa)" in index.text_of("table")
    assert check_links(browser, index) >= 2
    assert index.errors == [] and index.fetched == []
    pack = Visit(browser, pages["docs"].with_name("inotuzumab_besponsa.html"))
    assert "Blue Cross NC corporate medical policy" in pack.text_of("dl.facts")
    clause = pack.text_of(f"#clause-{FAILING_CLAUSE}")
    assert "Given a request for an adult with relapsed B-cell precursor ALL" in clause
    reading = pack.text_of("#reading-adults-or-patients")
    assert "Question" in reading and "Confirmed by" in reading
    glossary = pack.text_of("#glossary + p + table")
    assert "the member is 10 years old on the date of service" in glossary
    assert pack.errors == [] and pack.fetched == []
    assert check_links(browser, pack) > 50
    pack.page.evaluate("window.scrollTo(0, 0)")
    pack.page.screenshot(path=str(SCREENSHOTS / "docs.png"))
    pack.page.goto(pages["docs"].with_name("inotuzumab_besponsa.html").as_uri() + "#glossary")
    pack.page.screenshot(path=str(SCREENSHOTS / "docs-glossary.png"))


def test_without_a_browser_the_tests_are_skipped_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-rs", "-p", "no:xdist", "-p", "no:cacheprovider",
         f"{Path(__file__)}::test_the_living_documentation_shows_every_pack_with_working_links"],
        cwd=KIT_ROOT,
        env={**os.environ, "CONFORMANCE_TEST_CHROMIUM": str(tmp_path / "no-chromium")},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 skipped" in done.stdout
    assert "SKIPPED [1] tests/test_browser.py" in done.stdout
    assert f"no browser: {tmp_path / 'no-chromium'} is missing" in done.stdout
