"""Clinician token verification at its own level: every check refuses on its own, with a
reason that is safe to log, and the signing keys are fetched only from allowed schemes,
cached, and refetched at most every five minutes."""
from __future__ import annotations

import io
import json

import jwt
import pytest

from tests.support import tokens as test_tokens


@pytest.fixture
def verify(aws):
    from chalicelib.identity import tokens

    tokens._caches.clear()
    return tokens


def _token(settings, **overrides) -> str:
    claims = {"issuer": settings.cognito_issuer, "client_id": settings.cognito_client_id, **overrides}
    return test_tokens.access_token("sub-guard", **claims)


def _refused(verify, token: str) -> str:
    with pytest.raises(verify.InvalidToken) as refused:
        verify.verify_access_token(token)
    return str(refused.value)


def test_a_good_token_gives_its_claims(verify, aws):
    claims = verify.verify_access_token(_token(aws))
    assert (claims["sub"], claims["token_use"]) == ("sub-guard", "access")


def test_expiry_allows_thirty_seconds_of_clock_skew_and_no_more(verify, aws):
    assert verify.verify_access_token(_token(aws, expires_in=-20))["sub"] == "sub-guard"
    assert _refused(verify, _token(aws, expires_in=-45)) == "token expired"


@pytest.mark.parametrize("overrides, reason", [
    ({"key_name": "intruder"}, "token rejected"),
    ({"kid": "rotated-away"}, "unknown signing key"),
    ({"client_id": "another-app"}, "token issued to another app client"),
    ({"token_use": "id"}, "not an access token"),
    ({"issuer": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_other"}, "token rejected"),
    ({"iat": None}, "token rejected"),
    ({"token_use": None}, "token rejected"),
    ({"sub": None}, "token rejected"),
])
def test_each_check_refuses_on_its_own(verify, aws, overrides, reason):
    claims = {"issuer": aws.cognito_issuer, "client_id": aws.cognito_client_id}
    missing = [name for name, value in overrides.items() if value is None]
    claims.update({k: v for k, v in overrides.items() if v is not None})
    if missing:  # a required claim left out altogether
        token = jwt.decode(test_tokens.access_token("sub-guard", **claims), options={"verify_signature": False})
        for name in missing:
            token.pop(name, None)
        token = jwt.encode(token, test_tokens.rsa_key("trusted"), algorithm="RS256",
                           headers={"kid": test_tokens.TEST_KID})
    else:
        token = test_tokens.access_token("sub-guard", **claims)
    assert _refused(verify, token) == reason


def test_only_rs256_and_well_formed_tokens_get_as_far_as_the_keys(verify, aws):
    hs256 = jwt.encode({"sub": "sub-guard", "token_use": "access"}, "secret-" * 6, algorithm="HS256",
                       headers={"kid": test_tokens.TEST_KID})
    assert _refused(verify, hs256) == "algorithm not allowed"
    assert _refused(verify, "not-a-token") == "malformed token"


def test_no_token_is_trusted_without_a_configured_pool(verify, aws, monkeypatch):
    from chalicelib.config import get_settings

    for name in ("EMOTIPAL_COGNITO_POOL_ID", "EMOTIPAL_COGNITO_CLIENT_ID"):
        good = _token(get_settings())
        monkeypatch.setenv(name, "")
        get_settings.cache_clear()
        try:
            assert _refused(verify, good) == "identity provider not configured"
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()


# -- the signing keys -----------------------------------------------------------------------------

def _jwks_document() -> bytes:
    rsa = test_tokens.public_jwk(test_tokens.rsa_key("trusted"), "kid-1")
    return json.dumps({"keys": [rsa, {**rsa, "kid": "kid-ec", "kty": "EC"}, {k: v for k, v in rsa.items()
                                                                               if k != "kid"}]}).encode()


@pytest.fixture
def served(monkeypatch, verify):
    """urlopen answering with `.document[0]` (a JWKS); a list of the URLs fetched."""
    import urllib.request

    class Fetched(list):
        document = [_jwks_document()]

    fetched = Fetched()

    def urlopen(url, timeout):
        assert timeout == 5, "a bounded wait for the identity provider"
        fetched.append(url)
        return io.BytesIO(fetched.document[0])

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return fetched


@pytest.mark.parametrize("url", ["https://cognito.test/jwks.json", "http://127.0.0.1:9/jwks.json",
                                 "file:///tmp/jwks.json"])
def test_keys_come_from_web_or_file_urls(verify, served, url):
    cache = verify.JwksCache(url)
    assert cache.key("kid-1") is not None
    assert served == [url]


@pytest.mark.parametrize("url", ["ftp://cognito.test/jwks.json", "data:,{}", "/etc/jwks.json"])
def test_keys_never_come_from_other_schemes(verify, served, url):
    with pytest.raises(verify.InvalidToken) as refused:
        verify.JwksCache(url).key("kid-1")
    assert str(refused.value) == "JWKS URL scheme not allowed"
    assert served == []


def test_only_rsa_keys_with_an_id_are_kept(verify, served):
    cache = verify.JwksCache("https://cognito.test/jwks.json")
    cache.key("kid-1")
    assert list(cache._keys) == ["kid-1"]


def test_a_key_set_without_keys_knows_no_key(verify, served):
    served.document[0] = b"{}"
    with pytest.raises(verify.InvalidToken, match="^unknown signing key$"):
        verify.JwksCache("https://cognito.test/jwks.json").key("kid-1")


def test_an_unknown_key_id_refetches_at_most_every_five_minutes(verify, served, monkeypatch):
    clock = [100.0]  # a machine up for under five minutes still fetches on first use
    monkeypatch.setattr(verify.time, "monotonic", lambda: clock[0])
    cache = verify.JwksCache("https://cognito.test/jwks.json")
    assert cache.key("kid-1") is not None
    for _ in range(3):
        with pytest.raises(verify.InvalidToken, match="^unknown signing key$"):
            cache.key("kid-new")
    assert len(served) == 1
    clock[0] += 300
    with pytest.raises(verify.InvalidToken):
        cache.key("kid-new")
    assert len(served) == 1, "not before five minutes have passed"
    clock[0] += 1
    with pytest.raises(verify.InvalidToken):
        cache.key("kid-new")
    assert len(served) == 2
    assert cache.key("kid-1") is not None and len(served) == 2, "a known key never refetches"


def test_keys_that_cannot_be_fetched_make_the_sign_in_service_unavailable(verify, monkeypatch):
    import urllib.request

    from chalicelib.errors import Unavailable

    def down(url, timeout):
        raise OSError("connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", down)
    # Not the token's fault: 503 (retry shortly), not 401 (sign in again), and the clinician reads why.
    with pytest.raises(Unavailable, match=r"^The sign-in service is unavailable\.$"):
        verify.JwksCache("https://cognito.test/jwks.json").key("kid-1")


def test_one_cache_per_url(verify):
    first = verify._jwks("https://a.test/jwks.json")
    assert verify._jwks("https://a.test/jwks.json") is first
    assert verify._jwks("https://b.test/jwks.json") is not first
    assert first.url == "https://a.test/jwks.json"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/jwks.json", "file:///etc/jwks.json"])
def test_deployed_stages_fetch_keys_over_https_only(monkeypatch, url):
    from chalicelib.config import get_settings
    from chalicelib.identity import tokens

    monkeypatch.setenv("EMOTIPAL_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with pytest.raises(tokens.InvalidToken, match="scheme"):
            tokens.JwksCache(url)._fetch()
    finally:
        get_settings.cache_clear()


def test_a_token_naming_an_audience_is_still_judged_by_its_app_client(verify, aws):
    """Access tokens carry `client_id`, not `aud`; an extra audience neither admits nor refuses one."""
    claims = verify.verify_access_token(_token(aws, aud="some-resource-server"))
    assert claims["sub"] == "sub-guard"
    assert _refused(verify, _token(aws, aud=aws.cognito_client_id, client_id="another-app")) == \
        "token issued to another app client"


def test_a_key_set_that_also_publishes_an_encryption_key_still_verifies_signatures(verify, served, aws):
    rsa = test_tokens.public_jwk(test_tokens.rsa_key("trusted"), "kid-1")
    served.document[0] = json.dumps({"keys": [{**rsa, "kid": "kid-enc", "alg": "RSA-OAEP", "use": "enc"},
                                              rsa]}).encode()
    assert verify.JwksCache("https://cognito.test/jwks.json").key("kid-1") is not None


def test_the_local_stack_may_fetch_keys_over_http(monkeypatch, served):
    from chalicelib.config import get_settings
    from chalicelib.identity import tokens

    monkeypatch.setenv("EMOTIPAL_STAGE", "local")
    get_settings.cache_clear()
    try:
        assert tokens.JwksCache("http://127.0.0.1:9/jwks.json").key("kid-1") is not None
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_deployed_stages_do_fetch_keys_over_https(monkeypatch, served):
    from chalicelib.config import get_settings
    from chalicelib.identity import tokens

    monkeypatch.setenv("EMOTIPAL_STAGE", "prod")
    get_settings.cache_clear()
    try:
        assert tokens.JwksCache("https://cognito.test/jwks.json").key("kid-1") is not None
        assert served == ["https://cognito.test/jwks.json"]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
