"""Browser tests of the sci-tech pages (Playwright driving Debian's chromium, as in ``test_browser.py``, whose
fixtures are reused): a zone admin searches the technology library from the navigation and sees each match
with its reasons, the matched terms marked and the 1+N partner badge; posts a demand and finds its matches
with the 发起服务工单 link — with no console errors. Screenshots go to ``var/test-artifacts/screenshots/``."""

from __future__ import annotations

import pytest

from tests.web.conftest import Site
from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401 - fixtures
from tests.web.test_scitech_api import make_scitech_data

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def records(site: Site) -> None:
    make_scitech_data(site.engine)


def test_search_shows_matches_with_reasons(browser, server: str, records: None) -> None:  # noqa: ANN001, F811
    page, errors = _sign_in(browser, server, "zone_admin")  # wuhan-donghu: its own zone is the asking zone
    page.click("header nav a[href='/scitech']")
    page.wait_for_url("**/scitech")
    page.fill("#st-search input[name=q]", "月壤3D打印建造")
    page.select_option("#st-search select[name=library]", "technology")
    page.click("#st-search button[type=submit]")
    page.wait_for_selector("#st-matches li.st-match")
    first = page.locator("#st-matches li.st-match").first
    assert first.get_attribute("data-id") == "TST-API-T1"  # in xiangyang, a partner of wuhan-donghu
    assert "月壤" in first.locator(".st-title mark").first.inner_text()
    assert first.locator(".st-partner").inner_text() == "同一1+N网络伙伴园区"
    kinds = first.locator("li.st-reason").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds == ["terms", "network"]
    assert "襄阳高新技术产业开发区" in first.locator("li.st-reason[data-kind=network]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "scitech_search.png"), full_page=True)
    assert errors == []
    page.fill("#st-search input[name=q]", "hello world")
    page.click("#st-search button[type=submit]")
    assert "查询不含中文" in page.inner_text("#st-error")  # the page answers 422, which chromium logs
    assert [e for e in errors if "status of 422" not in e] == []


def test_post_a_demand_and_see_its_matches(browser, server: str, records: None) -> None:  # noqa: ANN001, F811
    page, errors = _sign_in(browser, server, "zone_admin")
    page.goto(f"{server}/scitech/demands")
    page.select_option("#st-post select[name=library]", "technology")
    page.fill("#st-post input[name=title]", "月面建造材料需求")
    page.fill("#st-post textarea[name=description]", "需要月壤烧结砖制备技术")
    page.fill("#st-post input[name=industry_codes]", "3039")
    page.click("#st-post button[type=submit]")
    page.wait_for_url("**/scitech/demands/DM-*")
    assert page.inner_text("#st-demand-status") == "待对接"
    ids = page.locator("#st-matches li.st-match").evaluate_all("items => items.map(i => i.dataset.id)")
    assert {"TST-API-T1", "TST-API-T2", "TST-API-T3"} <= set(ids)
    shared = page.locator("#st-matches li.st-match[data-id='TST-API-T3'] li.st-reason[data-kind=industry]")
    assert "非金属矿物制品业" in shared.inner_text()
    demand_id = page.url.rsplit("/", 1)[1]
    assert page.get_attribute("#st-open-ticket", "href") == f"/tickets/new?demand={demand_id}"
    page.screenshot(path=str(ARTIFACTS / "scitech_demand.png"), full_page=True)
    page.click("button[data-status=matched]")
    page.wait_for_url(f"**/scitech/demands/{demand_id}")
    assert page.inner_text("#st-demand-status") == "已对接"
    assert errors == []
