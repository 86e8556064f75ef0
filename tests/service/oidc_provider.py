"""A small OpenID provider of the tests' own on 127.0.0.1: discovery, JWKS, an
authorization endpoint that signs the test user in at once, and a token endpoint
that checks the PKCE verifier. Keys are made at test time."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "shieldwall-test"


class Provider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.issuer = ""
        self.email = "dev@example.org"
        self.codes: dict[str, dict[str, str]] = {}
        self.refused: list[str] = []
        self.extra: dict[str, Any] = {}  # more claims in every token (groups)

    def mint(self, key: Any = None, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "user-1",
            "email": self.email,
            "email_verified": True,
            "iat": now,
            "exp": now + 300,
            **self.extra,
            **claims,
        }
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}


def _handler(provider: Provider) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/.well-known/openid-configuration":
                base = provider.issuer
                return self._json(
                    200,
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "jwks_uri": f"{base}/jwks",
                        "code_challenge_methods_supported": ["S256"],
                    },
                )
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/authorize":
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if q.get("code_challenge_method") != "S256" or q.get("client_id") != CLIENT_ID:
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                provider.codes[code] = q
                back = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
                self.send_response(302)
                self.send_header("Location", back)
                self.end_headers()
                return None
            return self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(size).decode()).items()}
            asked = provider.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if (
                asked is None
                or challenge != asked["code_challenge"]
                or form.get("redirect_uri") != asked["redirect_uri"]
            ):
                provider.refused.append(form.get("code", ""))
                return self._json(400, {"error": "invalid_grant"})
            token = provider.mint(nonce=asked["nonce"], aud=asked["client_id"])
            return self._json(200, {"id_token": token, "token_type": "Bearer"})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def oidc_provider() -> Iterator[Provider]:
    provider = Provider()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
