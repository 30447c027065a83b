"""Schemathesis hooks for tests/serve_cds.rs: every case gets a fresh token signed as the
EHR signs (a token is good for one call), so the fuzzing reaches past the 401."""

import os
import time
import uuid

import jwt
import schemathesis
from cryptography.hazmat.primitives import serialization

with open(os.environ["CDS_KEY"], "rb") as f:
    KEY = serialization.load_pem_private_key(f.read(), password=None)


@schemathesis.auth()
class CdsToken:
    def get(self, case, ctx):
        return "fresh for each call"

    def set(self, case, data, ctx):
        now = int(time.time())
        token = jwt.encode(
            {
                "iss": os.environ["CDS_ISSUER"],
                "aud": os.environ["CDS_AUDIENCE"],
                "iat": now,
                "exp": now + 120,
                "jti": str(uuid.uuid4()),
            },
            KEY,
            algorithm="ES384",
            headers={"kid": "ehr-es"},
        )
        case.headers = dict(case.headers or {})
        case.headers["Authorization"] = f"Bearer {token}"
