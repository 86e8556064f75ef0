"""Optional live checks (`--verify`): ask the provider whether a found credential
works, through an identity endpoint that changes nothing.

| provider | call |
|---|---|
| GitHub | GET {base}/user (token) |
| GitLab | GET {base}/api/v4/personal_access_tokens/self (PRIVATE-TOKEN) |
| Slack | POST {base}/api/auth.test (Bearer) |
| Stripe | GET {base}/v1/account (Bearer) |
| AWS | STS GetCallerIdentity (SigV4), with a key ID and secret key from the same file |

Base URLs can be pointed elsewhere (a proxy, a test server) with the environment
variables SHIELDWALL_VERIFY_GITHUB_URL, SHIELDWALL_VERIFY_GITLAB_URL,
SHIELDWALL_VERIFY_SLACK_URL, SHIELDWALL_VERIFY_STRIPE_URL and
SHIELDWALL_VERIFY_AWS_URL; SHIELDWALL_VERIFY_CA_FILE adds a CA bundle to trust
and SHIELDWALL_VERIFY_TIMEOUT sets the per-request timeout in seconds (default 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

LIVE, REJECTED, UNKNOWN = "live", "rejected", "unknown"

_DEFAULTS = {
    "GITHUB": "https://api.github.com",
    "GITLAB": "https://gitlab.com",
    "SLACK": "https://slack.com",
    "STRIPE": "https://api.stripe.com",
    "AWS": "https://sts.amazonaws.com",
}
_GITHUB = (
    "SECRET-GITHUB-PAT",
    "SECRET-GITHUB-OAUTH-TOKEN",
    "SECRET-GITHUB-USER-TO-SERVER-TOKEN",
    "SECRET-GITHUB-SERVER-TO-SERVER-TOKEN",
    "SECRET-GITHUB-FINE-GRAINED-PAT",
)
_GITLAB = ("SECRET-GITLAB-PAT",)
_SLACK = ("SECRET-SLACK-BOT-TOKEN", "SECRET-SLACK-USER-TOKEN", "SECRET-SLACK-LEGACY-TOKEN")
_STRIPE = ("SECRET-STRIPE-SECRET-KEY", "SECRET-STRIPE-RESTRICTED-KEY", "SECRET-STRIPE-TEST-KEY")
AWS_SECRET = "SECRET-AWS-SECRET-ACCESS-KEY"  # noqa: S105 - a rule id
AWS_KEY_ID = "SECRET-AWS-ACCESS-KEY-ID"
VERIFIABLE = frozenset((*_GITHUB, *_GITLAB, *_SLACK, *_STRIPE, AWS_SECRET))


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # live | rejected | unknown
    note: str


def _base(provider: str, env: Mapping[str, str]) -> str:
    url = env.get(f"SHIELDWALL_VERIFY_{provider}_URL", _DEFAULTS[provider]).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"SHIELDWALL_VERIFY_{provider}_URL must be an https:// URL")
    return url


class Verifier:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.timeout = float(self.env.get("SHIELDWALL_VERIFY_TIMEOUT", "5"))
        self.context = ssl.create_default_context()
        ca = self.env.get("SHIELDWALL_VERIFY_CA_FILE")
        if ca:
            self.context.load_verify_locations(cafile=ca)
        self._cache: dict[tuple[str, str], Verdict] = {}

    def verify(self, rule_id: str, secret: str, partner: str | None = None) -> Verdict | None:
        """None when no check exists for the rule (or an AWS secret has no key ID)."""
        key = (rule_id, secret + "\x00" + (partner or ""))
        if key in self._cache:
            return self._cache[key]
        verdict: Verdict | None
        if rule_id in _GITHUB:
            verdict = self._http(
                "GitHub",
                f"{_base('GITHUB', self.env)}/user",
                {"Authorization": f"token {secret}", "Accept": "application/vnd.github+json"},
            )
        elif rule_id in _GITLAB:
            verdict = self._http(
                "GitLab",
                f"{_base('GITLAB', self.env)}/api/v4/personal_access_tokens/self",
                {"PRIVATE-TOKEN": secret},
            )
        elif rule_id in _SLACK:
            verdict = self._slack(secret)
        elif rule_id in _STRIPE:
            verdict = self._http(
                "Stripe",
                f"{_base('STRIPE', self.env)}/v1/account",
                {"Authorization": f"Bearer {secret}"},
            )
        elif rule_id == AWS_SECRET and partner:
            verdict = self._aws(partner, secret)
        else:
            verdict = None
        if verdict is not None:
            self._cache[key] = verdict
        return verdict

    def _request(self, req: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(  # noqa: S310 - https base URLs only (checked in _base)
                req, timeout=self.timeout, context=self.context
            ) as resp:
                return int(resp.status), resp.read(65536)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(65536) if exc.fp else b""

    def _http(self, provider: str, url: str, headers: dict[str, str]) -> Verdict:
        req = urllib.request.Request(url, headers={"User-Agent": "shieldwall-verify", **headers})  # noqa: S310 - https only (_base)
        try:
            status, _ = self._request(req)
        except (OSError, ValueError) as exc:
            return Verdict(UNKNOWN, f"could not verify with {provider}: {_reason(exc)}")
        if 200 <= status < 300:
            return Verdict(LIVE, f"verified live: {provider} accepted it")
        if status in (401, 403):
            return Verdict(REJECTED, f"{provider} rejected it (HTTP {status}): revoked or invalid")
        return Verdict(UNKNOWN, f"could not verify with {provider}: HTTP {status}")

    def _slack(self, secret: str) -> Verdict:
        req = urllib.request.Request(  # noqa: S310 - https only (_base)
            f"{_base('SLACK', self.env)}/api/auth.test",
            data=b"",
            method="POST",
            headers={"Authorization": f"Bearer {secret}", "User-Agent": "shieldwall-verify"},
        )
        try:
            status, body = self._request(req)
            answer = json.loads(body.decode("utf-8") or "{}")
        except (OSError, ValueError) as exc:
            return Verdict(UNKNOWN, f"could not verify with Slack: {_reason(exc)}")
        if status == 200 and answer.get("ok") is True:
            return Verdict(LIVE, "verified live: Slack accepted it")
        if answer.get("error") in (
            "invalid_auth",
            "not_authed",
            "account_inactive",
            "token_revoked",
        ):
            return Verdict(REJECTED, f"Slack rejected it ({answer['error']}): revoked or invalid")
        return Verdict(UNKNOWN, f"could not verify with Slack: HTTP {status}")

    def _aws(self, key_id: str, secret: str) -> Verdict:
        base = _base("AWS", self.env)
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        headers = sigv4_headers(key_id, secret, base, body, dt.datetime.now(dt.UTC))
        req = urllib.request.Request(base + "/", data=body, method="POST", headers=headers)  # noqa: S310 - https only (_base)
        try:
            status, _ = self._request(req)
        except (OSError, ValueError) as exc:
            return Verdict(UNKNOWN, f"could not verify with AWS STS: {_reason(exc)}")
        if status == 200:
            return Verdict(LIVE, "verified live: AWS STS GetCallerIdentity accepted the key pair")
        if status in (401, 403):
            return Verdict(
                REJECTED, f"AWS STS rejected the key pair (HTTP {status}): revoked or invalid"
            )
        return Verdict(UNKNOWN, f"could not verify with AWS STS: HTTP {status}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def sigv4_headers(
    key_id: str, secret: str, base: str, body: bytes, now: dt.datetime
) -> dict[str, str]:
    """AWS Signature Version 4 for an STS form POST (region us-east-1)."""
    host = urllib.parse.urlsplit(base).netloc
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    region, service = "us-east-1", "sts"
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    signed = "content-type;host;x-amz-date"
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}",
            f"host:{host}",
            f"x-amz-date:{amz_date}",
            "",
            signed,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )

    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    k = sign(("AWS4" + secret).encode("utf-8"), day)
    k = sign(k, region)
    k = sign(k, service)
    k = sign(k, "aws4_request")
    signature = hmac.new(k, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Amz-Date": amz_date,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}"
        ),
        "User-Agent": "shieldwall-verify",
    }
