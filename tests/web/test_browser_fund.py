"""Browser test of the fund pages (Playwright driving Debian's chromium, as in ``test_browser.py``, whose
fixtures are reused): an analyst opens /fund from the navigation, follows a round to its allocation, sees the
explanation and the budget chart's canvas, filters the decisions by outcome, and switches the report — with
no console errors. Screenshots go to ``var/test-artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from tests.web.conftest import Site
from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401 - fixtures
from tests.web.test_fund_api import make_fund_rounds

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROUND = "TST-B1"


@pytest.fixture(scope="module")
def fund_round(site: Site) -> str:
    make_fund_rounds(site, ROUND)
    return ROUND


def test_round_page_explains_the_allocation(browser, server: str, fund_round: str) -> None:  # noqa: ANN001, F811
    page, errors = _sign_in(browser, server, "analyst")
    page.click("header nav a[href='/fund']")
    page.wait_for_url("**/fund")
    page.click(f"#fund-rounds tr[data-round='{fund_round}'] a")
    page.wait_for_url(f"**/fund/{fund_round}")
    page.wait_for_selector("#fund-budget-chart[data-ready='1'] canvas", timeout=20_000)
    assert "已证明最优" in page.inner_text("#allocation-proof")
    assert "紧约束" in page.inner_text("#binding-constraints tr[data-constraint='lagging_share']")
    assert f"{fund_round}-A2" in page.inner_text("#marginal")
    assert page.query_selector("#commit-form") is None  # analysts may not commit
    page.screenshot(path=str(ARTIFACTS / "fund_round.png"), full_page=True)
    page.click("#outcome-filter a[data-outcome='not_funded']")
    page.wait_for_url("**/fund/*?outcome=not_funded")
    rows = page.query_selector_all("#decisions tbody tr")
    assert [r.get_attribute("data-application") for r in rows] == [f"{fund_round}-A5"]
    assert "基金余额 0 万元" in page.inner_text("#decisions tbody tr")
    page.goto(f"{server}/fund")
    page.click("#report-switch a[data-by='subfund']")
    page.wait_for_url("**/fund?by=subfund")
    assert page.query_selector("#fund-report tr[data-key='venture']") is not None
    assert errors == []
