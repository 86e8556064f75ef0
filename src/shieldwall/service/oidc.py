"""Sign-in with OpenID Connect: the authorization code flow with PKCE (S256), and
JWTs verified against the provider's JWKS (signature, issuer, audience, expiry,
and the nonce of the sign-in that asked for them). A signed-in person's roles are
the project memberships of the e-mail address the provider vouches for, and the
roles the service's group mapping gives the groups in the token's groups claim."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import orjson

from shieldwall.service.errors import ServiceError

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
LEEWAY_SECONDS = 30
SESSION_SECONDS = 8 * 3600


class SignInRefused(ServiceError):
    """A token or a sign-in the service does not accept (the API answers 401)."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str = ""
    audience: str = ""  # the `aud` API tokens must carry (default: the client id)
    scopes: str = "openid email profile"
    # (group, project, role): members of the provider's group get the role.
    group_roles: tuple[tuple[str, str, str], ...] = ()
    groups_claim: str = "groups"

    def grants_of(self, claims: dict[str, Any]) -> dict[str, str]:
        """The roles the token's groups give (the highest per project)."""
        from shieldwall.service.access import ROLES

        held = claims.get(self.groups_claim)
        groups = {g for g in held if isinstance(g, str)} if isinstance(held, list) else set()
        grants: dict[str, str] = {}
        for group, project, role in self.group_roles:
            if group in groups and ROLES[role] > ROLES.get(grants.get(project, ""), -1):
                grants[project] = role
        return grants


def parse_group_roles(entries: list[str]) -> tuple[tuple[str, str, str], ...]:
    """`GROUP=PROJECT:ROLE` entries (from --oidc-group or $SHIELDWALL_OIDC_GROUPS)."""
    from shieldwall.service.access import ROLES

    out = []
    for entry in entries:
        group, eq, rest = entry.strip().partition("=")
        project, colon, role = rest.rpartition(":")
        if not eq or not colon or not group or not project or role not in ROLES:
            raise ServiceError(
                f"group mapping {entry!r} is not GROUP=PROJECT:ROLE",
                f"for example platform-team=shop:admin; roles: {', '.join(ROLES)}",
            )
        out.append((group, project, role))
    return tuple(out)


@dataclass
class Provider:
    """One OpenID provider, its discovery document and keys fetched when first needed."""

    settings: OidcSettings
    _meta: dict[str, Any] = field(default_factory=dict)
    _jwks: Any = None

    def metadata(self) -> dict[str, Any]:
        if not self._meta:
            import httpx

            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                doc = httpx.get(url, timeout=10).json()
            except (httpx.HTTPError, ValueError) as exc:
                raise ServiceError(
                    f"cannot read the OpenID configuration at {url}: {exc}",
                    "check --oidc-issuer and that the provider is reachable",
                ) from None
            if not isinstance(doc, dict) or doc.get("issuer") != self.settings.issuer:
                raise ServiceError(f"{url} names another issuer than {self.settings.issuer}")
            self._meta = doc
        return self._meta

    def _key(self, token: str) -> Any:
        if self._jwks is None:
            self._jwks = jwt.PyJWKClient(self.metadata()["jwks_uri"], cache_keys=True)
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWTError as exc:
            raise SignInRefused(f"no key of the provider signs this token: {exc}") from None

    def verify(
        self, token: str, audience: str | None = None, nonce: str | None = None
    ) -> dict[str, Any]:
        """The claims of a JWT the provider signed for us, still valid; SignInRefused else."""
        key = self._key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=audience or self.settings.audience or self.settings.client_id,
                issuer=self.settings.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SignInRefused(f"token refused: {exc}") from None
        if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise SignInRefused("token refused: the nonce is not this sign-in's")
        return claims

    def begin(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """The provider's sign-in URL, and what the callback must find again
        (state, nonce, PKCE verifier), kept in a signed cookie meanwhile."""
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        pending = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "verifier": verifier,
        }
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.settings.client_id,
                "redirect_uri": redirect_uri,
                "scope": self.settings.scopes,
                "state": pending["state"],
                "nonce": pending["nonce"],
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.metadata()['authorization_endpoint']}?{query}", pending

    def finish(self, code: str, pending: dict[str, str], redirect_uri: str) -> dict[str, Any]:
        """Exchange the code (with the PKCE verifier) and verify the ID token."""
        import httpx

        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.settings.client_id,
            "code_verifier": pending["verifier"],
        }
        auth = (
            (self.settings.client_id, self.settings.client_secret)
            if self.settings.client_secret
            else None
        )
        try:
            response = httpx.post(
                self.metadata()["token_endpoint"], data=form, auth=auth, timeout=10
            )
            tokens = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInRefused(f"the provider's token endpoint failed: {exc}") from None
        if response.status_code != 200 or not isinstance(tokens.get("id_token"), str):
            raise SignInRefused(f"the provider refused the code ({response.status_code})")
        return self.verify(tokens["id_token"], self.settings.client_id, pending["nonce"])


class Signer:
    """Cookies the service signs (HMAC-SHA256) and reads back, with an expiry."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def dump(self, value: dict[str, Any], seconds: int = SESSION_SECONDS) -> str:
        body = base64.urlsafe_b64encode(
            orjson.dumps({**value, "_exp": int(time.time()) + seconds})
        ).decode()
        return f"{body}.{self._sign(body)}"

    def load(self, text: str | None) -> dict[str, Any] | None:
        if not text or "." not in text:
            return None
        body, _, signature = text.rpartition(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            value = orjson.loads(base64.urlsafe_b64decode(body.encode()))
        except (ValueError, orjson.JSONDecodeError):
            return None
        if not isinstance(value, dict) or value.get("_exp", 0) < time.time():
            return None
        return value

    def _sign(self, body: str) -> str:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()

    def csrf(self, session: str) -> str:
        """The form token of a session: forms that change something must carry it."""
        return self._sign("csrf:" + session)[:32]
