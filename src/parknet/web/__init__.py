"""The web platform: FastAPI app with server-rendered pages (Jinja2 + HTMX + ECharts) and /api/v1."""
