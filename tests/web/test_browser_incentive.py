"""Browser tests of the incentive-mechanism pages (Playwright driving Debian's chromium, as in
``test_browser.py``, whose fixtures are reused): a zone admin confirms an agreement for its zone, an admin
closes and reopens a ledger year, and the evaluation draws its rank chart — with no console errors.
Screenshots go to ``var/test-artifacts/screenshots/``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parknet.services import agreements
from parknet.services.accounts import principal_by_name
from tests.web.conftest import ZONE, Site
from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEAR = 2015  # a year no other web test writes or closes
PARTNER = "xiaogan"


@pytest.fixture(scope="module")
def proposed(site: Site) -> str:
    """A proposed agreement of ZONE (lead) and PARTNER with one co-built project (Σw = 1.3)."""
    engine = site.engine
    admin = principal_by_name(engine, "admin")
    agreement_id = agreements.create(engine, agreements.AgreementDraft(
        title="东湖—孝感 产业链延补合作协议（浏览器测试）", zones=[ZONE, PARTNER], cooperation_type="chain_complement",
        form="branch_park", fields=["39"], starts_on=date(2014, 6, 1)), admin)
    agreements.add_project(engine, agreement_id, project_id="PJ-BROWSER-1", name="孝感光电子产业园", kind="project",
                           started_on=date(2014, 9, 1), principal=admin, industry_code="39",
                           partners=[agreements.PartnerShare(ZONE, Decimal("0.7"), Decimal(3000)),
                                     agreements.PartnerShare(PARTNER, Decimal("0.6"), Decimal("1200.5"))])
    agreements.set_project_values(engine, "PJ-BROWSER-1", YEAR, {"gdp": "2500", "revenue": "8000.75"}, admin)
    agreements.propose(engine, agreement_id, admin)
    return agreement_id


def test_zone_admin_confirms_an_agreement_for_its_zone(browser, server: str,  # noqa: ANN001, F811
                                                       proposed: str) -> None:
    page, errors = _sign_in(browser, server, "zone_admin")
    page.click("header nav a[href='/agreements']")
    page.wait_for_selector(f"#agreements-list tr[data-agreement='{proposed}']")
    page.select_option("select[name=status]", "proposed")  # the filter submits itself
    page.wait_for_url("**/agreements?status=proposed*")
    assert page.inner_text(f"tr[data-agreement='{proposed}'] .badge") == "待确认"
    page.screenshot(path=str(ARTIFACTS / "agreements.png"), full_page=True)
    page.click(f"tr[data-agreement='{proposed}'] a")
    assert "激励性放大" in page.inner_text("section.project")
    assert page.inner_text("section.project .weight-total") == "1.3"
    assert page.query_selector(f"#parties tr[data-zone='{PARTNER}'] form") is None  # not this admin's party
    page.click(f"#parties tr[data-zone='{ZONE}'] button")
    page.wait_for_selector(f"#parties tr[data-zone='{ZONE}'] .ok")  # ✓ after the redirect back
    assert page.inner_text("#agreement-status") == "待确认"  # the partner has yet to confirm
    page.screenshot(path=str(ARTIFACTS / "agreement.png"), full_page=True)
    assert errors == []


def test_admin_closes_a_year_and_reads_the_ledger_and_evaluation(browser, server: str,  # noqa: ANN001, F811
                                                                 proposed: str) -> None:
    page, errors = _sign_in(browser, server, "admin")
    page.goto(f"{server}/ledger")
    page.fill("#close-form input[name=year]", str(YEAR))
    page.click("#close-form button[type=submit]")
    page.wait_for_selector(f"#ledger-years tr[data-year='{YEAR}'] .status-active")  # 已结账（锁定）
    page.screenshot(path=str(ARTIFACTS / "ledger.png"), full_page=True)

    page.goto(f"{server}/ledger/{YEAR}/zones/{ZONE}")
    assert "已结账，版本 1" in page.inner_text("#ledger-basis")
    assert page.query_selector_all("#ledger-entries tbody tr")
    page.screenshot(path=str(ARTIFACTS / "ledger_zone.png"), full_page=True)

    page.goto(f"{server}/ledger")
    page.fill(f"#ledger-years tr[data-year='{YEAR}'] input[name=reason]", "浏览器测试结束")
    page.click(f"#ledger-years tr[data-year='{YEAR}'] .reopen-form button")
    page.wait_for_selector(f"#ledger-years tr[data-year='{YEAR}'] .status-proposed")  # 已重新打开

    page.goto(f"{server}/evaluation?year=2019")
    page.wait_for_selector("#evaluation-slope[data-ready='1'] canvas", timeout=20_000)
    assert len(page.query_selector_all("#rank-changes tbody tr")) > 10
    assert page.query_selector("#rank-changes tbody tr a[href^='/ledger/2019/zones/']") is not None
    page.screenshot(path=str(ARTIFACTS / "evaluation.png"), full_page=True)
    assert errors == []
