"""The OpenAPI document is the contract: schemathesis generates valid and invalid requests for
every operation and checks that none is a 500, that every status and response body is one the
document declares, and that content types match.

One check is left out: "schema-valid data must be accepted". The schema says an account is a
string; only the feeds' normalisers know an IBAN's check digits, so a schema-valid
``"from_account": ""`` is rightly a 422.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from qorgan.api.app import ApiSettings, create_app


def _schema() -> schemathesis.BaseSchema:
    import tempfile

    log = Path(tempfile.mkdtemp(prefix="qorgan-contract-")) / "decisions.jsonl"
    app = create_app(ApiSettings(decision_log=log))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schema


schema = _schema()


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_every_operation_keeps_to_the_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
