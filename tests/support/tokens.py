"""RSA keys and Cognito-shaped access tokens for tests."""
from __future__ import annotations

import gzip
import json
import time
from functools import cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TEST_KID = "test-key"


@cache
def rsa_key(name: str = "trusted"):
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def moto_public_jwks() -> list[dict]:
    """The key moto's Cognito signs with (bundled in the moto package)."""
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))["keys"]


def write_jwks(path: Path) -> str:
    keys = [public_jwk(rsa_key("trusted"), TEST_KID), *moto_public_jwks()]
    path.write_text(json.dumps({"keys": keys}))
    return path.as_uri()


def access_token(sub: str, *, issuer: str, client_id: str, expires_in: int = 3600, key_name: str = "trusted",
                 kid: str = TEST_KID, **overrides) -> str:
    now = int(time.time())
    claims = {"sub": sub, "iss": issuer, "client_id": client_id, "token_use": "access",
              "iat": now, "auth_time": now, "exp": now + expires_in, "username": sub, **overrides}
    return jwt.encode(claims, rsa_key(key_name), algorithm="RS256", headers={"kid": kid})
