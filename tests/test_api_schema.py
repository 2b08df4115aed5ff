"""Property-based tests of the JSON API from its OpenAPI spec (schemathesis): no input makes a 500.

Hypothesis drives each operation's strategy directly (schemathesis' pytest plugin does not load under
this pytest), with a bounded number of examples so the whole file runs in seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from newsdesk.settings import load
from newsdesk.store import open_store
from newsdesk.web.app import create_app
from tests.web_fixtures import seed_site

EXAMPLES = 40


def _check(client: TestClient, case: schemathesis.Case) -> None:
    response = client.request(
        case.method, case.formatted_path, params=case.query, headers={"accept": "application/json"}
    )
    assert response.status_code < 500, (case.formatted_path, case.query, response.text[:500])
    body = response.json()
    assert body["ok"] is (response.status_code < 400), body
    if response.status_code >= 400:
        assert set(body) == {"ok", "error", "errors", "status"} and body["status"] == response.status_code


def test_api_never_fails_with_a_server_error(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    seed_site(store)
    app = create_app(store, load(env={}, secret_key="k"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7, [op.path for op in operations]
    with TestClient(app) as client:
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                derandomize=True,  # the same examples every run: CI is not the place to find a new one
            )
            def run(case: schemathesis.Case) -> None:
                _check(client, case)

            try:
                run()
            except AssertionError as exc:
                pytest.fail(f"{operation.method.upper()} {operation.path}: {exc}")
    store.close()
