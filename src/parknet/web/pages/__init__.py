"""Server-rendered pages (Jinja2 + HTMX); charts load their numbers from /api/v1."""
