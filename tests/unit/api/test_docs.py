"""The API documentation page is served from the installed Swagger UI, never a CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from qorgan.api.app import ApiSettings, create_app


def _client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(ApiSettings(decision_log=tmp_path / "decisions.jsonl")))


def test_the_docs_page_loads_swagger_ui_from_the_api_itself(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "/openapi.json" in page.text
        assert "cdn" not in page.text.lower()
        assert "https://" not in page.text
        script = client.get("/docs/static/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert len(script.content) > 100_000


def test_the_docs_page_is_not_part_of_the_contract(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert "/docs" not in paths
    assert "/v1/payments/score" in paths
