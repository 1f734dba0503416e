"""Browser tests: Playwright for Python driving Debian's chromium (``executable_path``; never
``playwright install``) against ``parknet serve`` on loopback. Screenshots of every page are kept in
``var/test-artifacts/screenshots/``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import OTHER_ZONE, PASSWORD, ZONE, Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, PARKNET_DATABASE_URL=site.db_url, PARKNET_HOST="127.0.0.1", PARKNET_PORT=str(port))
    proc = subprocess.Popen([sys.executable, "-m", "parknet", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else "server exited"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: 'make test' installs it (apt-get install chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _sign_in(browser, server: str, username: str):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/")
    assert page.url.startswith(f"{server}/login")  # anonymous → sign-in page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page, errors


def test_overview_renders_charts_and_kpis_equal_the_api(browser, server: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page, errors = _sign_in(browser, server, "analyst")
    page.wait_for_selector("#province-tiles[data-ready='1'] canvas", timeout=20_000)
    page.wait_for_selector("#top10-trend[data-ready='1'] canvas", timeout=20_000)
    assert "synthetic demo data" in page.inner_text(".demo-banner")
    api = page.request.get(f"{server}/api/v1/overview?year=2019").json()
    shown = {el.get_attribute("data-kpi"): el.get_attribute("data-value") for el in page.query_selector_all(".kpi")}
    for key in ("zones", "gdp_share_of_nation", "top10_gdp_share", "top10_invention_patent_share"):
        assert float(shown[key]) == pytest.approx(api[key], rel=1e-12), key
    assert page.inner_text("[data-kpi=top10_gdp_share] .kpi-value") == f"{api['top10_gdp_share'] * 100:.1f}%"
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    page.goto(f"{server}/zones")
    page.fill("input[name=q]", "东湖")
    # HTMX replaces the table as one types: only the matching zone is left
    expect(page.locator("#zones-list tbody tr")).to_have_count(1, timeout=10_000)
    assert page.get_attribute("#zones-list tbody tr", "data-zone") == ZONE
    assert "q=" in page.url  # the search is in the address bar (hx-push-url), so it can be shared
    page.screenshot(path=str(ARTIFACTS / "zones.png"), full_page=True)
    page.goto(f"{server}/provinces/420000")
    page.wait_for_selector("#province-network[data-ready='1'] canvas", timeout=20_000)
    page.wait_for_selector("#national-backbone[data-ready='1'] canvas", timeout=20_000)
    assert len(page.query_selector_all("#network-links tbody tr")) > 3  # each link's score breakdown
    page.screenshot(path=str(ARTIFACTS / "province.png"), full_page=True)
    page.goto(f"{server}/diagnosis?indicator=invention_patents_granted&year=2019&by=region")
    for chart in ("lorenz", "diag-top", "diag-theil", "diag-dagum"):
        page.wait_for_selector(f"#{chart}[data-ready='1'] canvas", timeout=20_000)
    diagnosis = page.request.get(f"{server}/api/v1/diagnosis?indicator=invention_patents_granted&year=2019&by=region").json()
    shown = float(page.get_attribute("[data-kpi=top10_share]", "data-value"))
    assert shown == pytest.approx(diagnosis["top10_share"], rel=1e-12)
    page.screenshot(path=str(ARTIFACTS / "diagnosis.png"), full_page=True)
    assert errors == []


def test_zone_admin_edits_its_own_zone_and_not_another(browser, server: str) -> None:  # noqa: ANN001
    page, errors = _sign_in(browser, server, "zone_admin")
    page.goto(f"{server}/zones/{ZONE}")
    page.wait_for_selector("#zone-indicators[data-ready='1'] canvas", timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / "zone.png"), full_page=True)
    page.click("#edit-link")
    page.fill("input[name=year]", "2022")
    page.select_option("select[name=indicator]", "high_tech_enterprises")
    page.fill("input[name=value]", "2468")
    page.click("#indicator-form button[type=submit]")
    page.wait_for_selector("#saved")
    page.screenshot(path=str(ARTIFACTS / "zone_edit.png"), full_page=True)
    values = page.request.get(f"{server}/api/v1/zones/{ZONE}/indicators?indicator=high_tech_enterprises").json()
    assert next(v["value"] for v in values if v["year"] == 2022) == 2468
    response = page.goto(f"{server}/zones/{OTHER_ZONE}/edit")
    assert response is not None and response.status == 403
    assert page.query_selector("#indicator-form") is None
    page.screenshot(path=str(ARTIFACTS / "forbidden.png"), full_page=True)
    assert errors == [] or all("403" in e for e in errors)


def test_english_switch_and_audit_page(browser, server: str) -> None:  # noqa: ANN001
    page, errors = _sign_in(browser, server, "admin")
    page.click("a.lang")
    page.wait_for_selector("text=Share of national GDP")
    page.goto(f"{server}/audit")
    assert "Hash chain intact" in page.inner_text("#chain")
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    assert errors == []
