"""Browser tests of the service-ticket board and the platform catalogue (Playwright driving Debian's chromium,
as in ``test_browser.py``, whose fixtures are reused): a zone admin filters the board, sees an overdue card in
red, opens a ticket and assigns it with the step form; a zone admin orders from the catalogue and reads the
statement — with no console errors. Screenshots go to ``var/test-artifacts/screenshots/``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parknet.services import tickets
from parknet.services.accounts import principal_by_name
from tests.web.conftest import ZONE, Site
from tests.web.test_browser import ARTIFACTS, _sign_in, browser, server  # noqa: F401 - fixtures
from tests.web.test_platform_api import XY, make_catalogue
from tests.web.test_tickets_api import REQUESTER, make_ticket_data, overdue_ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def board(site: Site) -> tuple[str, str]:
    """An overdue ticket and a fresh one of xiangyang (served by wuhan-donghu, the zone admin's zone)."""
    make_ticket_data(site.engine)
    fresh = tickets.open_ticket(site.engine, principal_by_name(site.engine, "admin"), kind="talent",
                                requester_zone=REQUESTER, title="浏览器测试：光芯片工艺专家对接",
                                due_on=date.today() + timedelta(days=30))
    return overdue_ticket(site.engine), fresh


def test_ticket_board_and_the_step_form(browser, server: str, board: tuple[str, str]) -> None:  # noqa: ANN001, F811
    late, fresh = board
    page, errors = _sign_in(browser, server, "zone_admin")
    page.click("header nav a[href='/tickets']")
    page.wait_for_url("**/tickets")
    page.select_option("#ticket-filters select[name=zone]", REQUESTER)  # the filter submits itself
    page.wait_for_url(f"**/tickets?zone={REQUESTER}*")
    headings = page.locator(".tk-column h2 > span:first-child").all_inner_texts()
    assert headings == ["待受理", "已分派", "服务中", "已交付", "已办结"]
    card = page.locator(f".tk-column[data-status='open'] a.tk-card[data-ticket='{late}']")
    assert "overdue" in card.get_attribute("class") and "逾期" in card.inner_text()
    red = card.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert red == "rgb(192, 57, 43)"
    page.screenshot(path=str(ARTIFACTS / "tickets_board.png"), full_page=True)
    page.click(f"a.tk-card[data-ticket='{fresh}']")
    page.wait_for_url(f"**/tickets/{fresh}")
    assert page.inner_text("#ticket-status") == "待受理"
    page.fill("#step-form input[name=assignee]", "staff:expert")
    page.click("#step-form button[type=submit]")
    page.wait_for_url(f"**/tickets/{fresh}")
    assert page.inner_text("#ticket-status") == "已分派"
    assert page.get_attribute("#step-form", "data-step") == "in_service"
    assert page.locator("#ticket-history li").count() == 2
    page.screenshot(path=str(ARTIFACTS / "ticket.png"), full_page=True)
    assert errors == []


def test_catalogue_order_and_statement(browser, server: str, site: Site) -> None:  # noqa: ANN001, F811
    make_catalogue(site.engine)
    page, errors = _sign_in(browser, server, "zone_admin")
    page.click("header nav a[href='/platform']")
    page.wait_for_url("**/platform")
    assert page.locator(f".pf-provider[data-provider='{ZONE}'] tr[data-code]").count() >= 1
    page.select_option("#order-form select[name=code]", XY)
    page.fill("#order-form input[name=quantity]", "2")
    page.fill("#order-form input[name=ordered_on]", "2018-06-01")
    page.click("#order-form button[type=submit]")
    page.wait_for_url("**/platform?ordered=OD-2018-*")
    assert "已登记" in page.inner_text("#ordered")
    page.screenshot(path=str(ARTIFACTS / "platform.png"), full_page=True)
    page.click("#statement-link")
    page.wait_for_url("**/platform/statement")
    page.select_option("#statement-form select[name=provider]", "xiangyang")
    page.fill("#statement-form input[name=start]", "2018-01-01")
    page.fill("#statement-form input[name=end]", "2018-12-31")
    page.click("#statement-form button[type=submit]")
    page.wait_for_url("**/platform/statement?provider=xiangyang*")
    assert page.inner_text(f"table[data-buyer='{ZONE}'] .buyer-total") == "17.0000"  # 2 × 8.5
    assert page.inner_text("#grand-total") == "17.0000"
    page.screenshot(path=str(ARTIFACTS / "platform_statement.png"), full_page=True)
    assert errors == []
