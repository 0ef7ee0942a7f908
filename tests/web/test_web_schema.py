"""Property-based run of the whole REST API from its own OpenAPI description.

Schemathesis generates requests (valid and invalid) for every documented operation and
sends them in-process to the ASGI app over a filled database; no response may be a
server error, and every response must carry the security headers.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from web_fixtures import TOKEN

# Bounded: 20 generated requests per operation keeps the run to seconds per database.
MAX_EXAMPLES = 20


# The operations of this package's api.py; routers of other teams included in the app
# (tracking) are exercised by their own tests.
OWN_TAG = "api"


def test_no_server_errors(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [op for op in (r.ok() for r in schema.get_all_operations())
                  if OWN_TAG in (op.definition.raw.get("tags") or [])]
    assert {op.path for op in operations} >= {"/api/agreements", "/api/agreements/{agreement_id}", "/api/compare",
                                               "/api/timeline", "/api/network", "/api/documents/{doc_id}",
                                               "/api/search", "/api/documents"}
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # The token lets generated POST bodies reach the extractor instead of stopping at 401.
            response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
            case.validate_response(response, checks=[not_a_server_error])
            assert response.status_code < 500, (op.path, response.status_code)
            headers = {k.lower(): v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
            assert headers["x-content-type-options"] == "nosniff"
            assert "script-src 'self'" in headers["content-security-policy"]

        check()
