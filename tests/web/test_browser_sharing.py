"""Browser tests of the fair-sharing pages (Playwright driving Debian's chromium, as in ``test_browser.py``,
whose fixtures are reused): an analyst follows the agreement's 利益结算 link to a project's settlement and
switches the method; a zone admin opens the cross-shareholding page and the graph draws — with no console
errors. Screenshots go to ``var/test-artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from tests.web.conftest import ZONE, Site
from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401 - fixtures
from tests.web.test_sharing_api import PARTNER, PROJECT, make_sharing_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def agreement(site: Site) -> str:
    return make_sharing_data(site.engine)


def test_settlement_page_from_the_agreement(browser, server: str,  # noqa: ANN001, F811
                                            agreement: str) -> None:
    page, errors = _sign_in(browser, server, "analyst")
    page.goto(f"{server}/agreements/{agreement}")
    page.click(f"section.project[data-project='{PROJECT}'] a.settlement-link")
    page.wait_for_url(f"**/projects/{PROJECT}/settlement")
    assert "吃亏的一方" in page.inner_text(f"#settlement-partners tr[data-zone='{ZONE}']")
    assert page.inner_text(f"#settlement-partners tr[data-zone='{PARTNER}'] .transfer") == "-70.0000"
    assert page.inner_text("#method-switch a.current") == "按协议规则"
    page.screenshot(path=str(ARTIFACTS / "settlement.png"), full_page=True)
    page.click("#method-switch a[data-method='proportional']")
    page.wait_for_url("**/settlement?method=proportional")
    assert page.inner_text(f"#settlement-partners tr[data-zone='{ZONE}'] .compensation") == "50.0000"
    assert errors == []


def test_ownership_graph_draws(browser, server: str, agreement: str) -> None:  # noqa: ANN001, F811
    page, errors = _sign_in(browser, server, "zone_admin")
    page.click("header nav a[href='/ownership']")
    page.wait_for_selector("#ownership-graph[data-ready='1'] canvas", timeout=20_000)
    page.wait_for_timeout(1500)  # let the force layout settle for the screenshot
    page.screenshot(path=str(ARTIFACTS / "ownership_all.png"), full_page=True)
    page.select_option("select[name=zone]", ZONE)  # the filter submits itself
    page.wait_for_url(f"**/ownership?zone={ZONE}")
    page.wait_for_selector("#ownership-graph[data-ready='1'] canvas", timeout=20_000)
    assert page.query_selector(f"#community tr[data-zone='{ZONE}'][data-project='{PROJECT}']") is not None
    assert "60.00%" in page.inner_text("#look-through tr[data-owner='T-C-DONGHU'][data-company='T-PC']")
    page.wait_for_timeout(1500)  # let the force layout settle for the screenshot
    page.screenshot(path=str(ARTIFACTS / "ownership.png"), full_page=True)
    assert errors == []
