"""The FastAPI application: ``create_app()`` (used by ``parknet serve`` and the tests)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from parknet import __version__
from parknet.errors import ParkNetError
from parknet.store import models
from parknet.store.session import current_revision, make_engine
from parknet.web.api import agreements as agreements_api
from parknet.web.api import audit as audit_api
from parknet.web.api import auth as auth_api
from parknet.web.api import diagnosis as diagnosis_api
from parknet.web.api import evaluation as evaluation_api
from parknet.web.api import fund as fund_api
from parknet.web.api import ledger as ledger_api
from parknet.web.api import network as network_api
from parknet.web.api import overview as overview_api
from parknet.web.api import platform as platform_api
from parknet.web.api import scitech as scitech_api
from parknet.web.api import sharing as sharing_api
from parknet.web.api import tickets as tickets_api
from parknet.web.api import zones as zones_api
from parknet.web.cache import Cache
from parknet.web.pages import fund as fund_pages
from parknet.web.pages import incentive as incentive_pages
from parknet.web.pages import platform as platform_pages
from parknet.web.pages import routes as page_routes
from parknet.web.pages import scitech as scitech_pages
from parknet.web.pages import sharing as sharing_pages
from parknet.web.pages import tickets as ticket_pages
from parknet.web.problems import install_handlers
from parknet.web.security import CredentialCache, SecurityHeaders

__all__ = ["create_app", "HEAD_REVISION"]

HEAD_REVISION = "0005"
STATIC = Path(__file__).resolve().parent / "static"


def _demo_label(engine: Engine) -> str | None:
    from parknet.data.demo import DEMO_LABEL

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(models.ImportBatch)
                         .where(models.ImportBatch.kind == "demo")).scalar()
    return DEMO_LABEL if n else None


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app on ``engine`` (default: ``PARKNET_DATABASE_URL``); the schema must be at head."""
    engine = engine or make_engine()
    try:
        revision = current_revision(engine)
    except (OperationalError, ProgrammingError) as exc:
        raise ParkNetError(f"cannot open the database: {exc}") from exc
    if revision != HEAD_REVISION:
        raise ParkNetError(f"the database schema is at {revision or 'nothing'}, not {HEAD_REVISION}: "
                           "run 'parknet init' (or 'parknet load-demo')")
    app = FastAPI(title="ParkNet", version=__version__, openapi_url="/api/v1/openapi.json",
                  docs_url="/api/v1/docs", redoc_url=None,
                  description="国家高新区协同发展平台 API. Errors are application/problem+json (RFC 9457).")
    app.state.engine = engine
    app.state.cache = Cache(engine)
    app.state.credentials = CredentialCache()
    app.state.demo_label = lambda: app.state.cache.get("demo_label", lambda: _demo_label(engine))
    app.add_middleware(SecurityHeaders)
    install_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (auth_api.router, overview_api.router, zones_api.router, diagnosis_api.router,
                   network_api.router, agreements_api.router, ledger_api.router, evaluation_api.router,
                   sharing_api.router, audit_api.router, page_routes.router, incentive_pages.router,
                   sharing_pages.router, fund_api.router, fund_pages.router,
                   scitech_api.router, scitech_pages.router,
                   tickets_api.router, ticket_pages.router, platform_api.router, platform_pages.router):
        app.include_router(router)
    return app
