"""The API's documentation page: Swagger UI over the OpenAPI contract, served by the API itself.

The Swagger UI files come from the ``swagger-ui-bundle`` package (installed from PyPI, not
copied into this repository) and are served from ``/docs/static``: the page works on a
network with no way out, as the agencies' networks are.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

STATIC = "/docs/static"


def mount(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) from the app's own ``/openapi.json``."""
    app.mount(STATIC, StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon-32x32.png",
        )
