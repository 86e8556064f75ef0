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

A scanned repository decides which credentials are found, how many, and what
else the files around them say; the checks are built so that it cannot turn
them against the user who runs them:

- HTTPS only, certificate and host name always verified; no redirect is
  followed (a 3xx answer is "not verified"), so a token never travels to a host
  other than the base URL, nor over plain HTTP.
- No proxy from the environment (``HTTPS_PROXY`` and friends are ignored): a
  token goes straight to the provider's base URL. Point the base URL variables
  at a forwarding gateway to route the checks elsewhere on purpose.
- A wall-clock deadline per request (the timeout, counting connection, TLS
  handshake, headers and body: a server that trickles bytes is cut), and one
  budget for the whole verification phase: SHIELDWALL_VERIFY_BUDGET seconds
  (default 60) and at most SHIELDWALL_VERIFY_MAX_REQUESTS requests (default 100).
  Credentials left when the budget runs out are "not verified: budget exhausted".
- Only a credential the public service issued is sent to it. Slack, Stripe and
  AWS keys exist only on the public service (AWS never receives the secret
  itself: SigV4 signs with it). GitHub and GitLab tokens have the same format on
  GitHub Enterprise Server and self-managed GitLab, so one is sent to
  github.com / gitlab.com only when no file it was found in names another
  GitHub or GitLab host (a host name containing "github" / "gitlab" other than
  the public service's own, a ``*.ghe.com`` host, a GitHub ``/api/v3`` URL, or a
  variable such as GITLAB_URL, CI_SERVER_URL, GH_HOST, GITHUB_API_URL set to
  another host). Such a token is "not verified", unless the provider's base URL
  variable points at that very host.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shieldwall.analyzers.secrets.rules import known

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
VERIFIABLE = known((*_GITHUB, *_GITLAB, *_SLACK, *_STRIPE, AWS_SECRET), "verify.VERIFIABLE")
known((AWS_KEY_ID,), "verify.AWS_KEY_ID")  # the secret key's partner, sent with it
# Formats that self-hosted instances issue too: sent only without a sign of one.
SHARED_FORMAT = known((*_GITHUB, *_GITLAB), "verify.SHARED_FORMAT")

DEFAULT_TIMEOUT = 5.0
DEFAULT_BUDGET = 60.0
DEFAULT_MAX_REQUESTS = 100
_MAX_BODY = 65536
_HOST = re.compile(r"(?i)(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})\b")
_GITHUB_VAR = re.compile(
    r"(?i)\b(?:GH_HOST|GH_ENTERPRISE_HOST|GITHUB_(?:API_URL|SERVER_URL|URL|HOST|BASE_URL|"
    r"ENTERPRISE_URL|ENTERPRISE_HOST))\b[\"']?\s*[:=]\s*[\"']?(?:https?://)?([a-z0-9.-]+)"
)
_GITLAB_VAR = re.compile(
    r"(?i)\b(?:CI_SERVER_(?:URL|HOST|FQDN)|CI_API_V4_URL|GITLAB_(?:URL|HOST|BASE_URL|API_URL|"
    r"SERVER|SERVER_URL|INSTANCE|INSTANCE_URL))\b[\"']?\s*[:=]\s*[\"']?(?:https?://)?([a-z0-9.-]+)"
)
_GHES_API = re.compile(r"(?i)https?://([a-z0-9.-]+)(?::\d+)?/api/v3\b")


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # live | rejected | unknown
    note: str


class _Exhausted(Exception):
    """The verification budget (time or requests) is spent."""


class _Cut(OSError):
    """A request ran past its deadline and was cut."""


def _base(provider: str, env: Mapping[str, str]) -> str:
    url = env.get(f"SHIELDWALL_VERIFY_{provider}_URL", _DEFAULTS[provider]).rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"SHIELDWALL_VERIFY_{provider}_URL must be an https:// URL")
    return url


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {text!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be above 0, not {text!r}")
    return value


# File names (`release-github.yaml`) look like host names; these endings are not hosts.
_FILE_ENDINGS = frozenset(
    {"yml", "yaml", "json", "txt", "md", "toml", "cfg", "ini", "lock", "xml", "html", "env"}
    | {"conf", "tf", "tpl", "j2", "properties"}
)
_PUBLIC_GITHUB = (
    "github.com",
    "githubusercontent.com",
    "github.io",
    "githubassets.com",
    "github.dev",
    "github.blog",
    "githubstatus.com",
    "githubapp.com",
)


def _public_github(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _PUBLIC_GITHUB)


def _public_gitlab(host: str) -> bool:
    return host == "gitlab.com" or host.endswith((".gitlab.com", ".gitlab.io"))


def _hosts(text: str) -> list[str]:
    return [h for h in _HOST.findall(text) if h.rpartition(".")[2].lower() not in _FILE_ENDINGS]


def self_hosted_hosts(rule_id: str, text: str) -> frozenset[str]:
    """The hosts in ``text`` that point to a self-hosted GitHub or GitLab, for a
    token of ``rule_id`` (empty for other rules)."""
    if rule_id in _GITHUB:
        found = {m.lower() for m in _GITHUB_VAR.findall(text) + _GHES_API.findall(text)}
        found |= {
            h.lower()
            for h in _hosts(text)
            if "github" in h.lower() or h.lower().endswith(".ghe.com")
        }
        return frozenset(h.rstrip(".") for h in found if not _public_github(h.rstrip(".")))
    if rule_id in _GITLAB:
        found = {m.lower() for m in _GITLAB_VAR.findall(text)}
        found |= {h.lower() for h in _hosts(text) if "gitlab" in h.lower()}
        return frozenset(h.rstrip(".") for h in found if not _public_gitlab(h.rstrip(".")))
    return frozenset()


class Verifier:
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        """ValueError when a variable is invalid (a base URL that is not https://...)."""
        self.env = dict(os.environ if env is None else env)
        self.timeout = _number(self.env, "SHIELDWALL_VERIFY_TIMEOUT", DEFAULT_TIMEOUT)
        self.budget = _number(self.env, "SHIELDWALL_VERIFY_BUDGET", DEFAULT_BUDGET)
        self.max_requests = int(
            _number(self.env, "SHIELDWALL_VERIFY_MAX_REQUESTS", DEFAULT_MAX_REQUESTS)
        )
        self.bases = {provider: _base(provider, self.env) for provider in _DEFAULTS}
        self.context = ssl.create_default_context()
        self.context.check_hostname = True
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        ca = self.env.get("SHIELDWALL_VERIFY_CA_FILE")
        if ca:
            self.context.load_verify_locations(cafile=ca)
        self.requests = 0
        self.exhausted = 0  # credentials not verified for want of budget
        self._deadline = time.monotonic() + self.budget
        self._cache: dict[tuple[str, str], Verdict] = {}

    def verify(
        self,
        rule_id: str,
        secret: str,
        partner: str | None = None,
        hosts: Iterable[str] = (),
    ) -> Verdict | None:
        """None when no check exists for the rule (or an AWS secret has no key ID).

        ``hosts``: the self-hosted instances (``self_hosted_hosts``) that the files the
        token was found in name; a GitHub or GitLab token with any is not sent."""
        key = (rule_id, secret + "\x00" + (partner or ""))
        if key in self._cache:
            return self._cache[key]
        verdict: Verdict | None
        if rule_id in SHARED_FORMAT and (held := self._elsewhere(rule_id, hosts)):
            verdict = held
        elif rule_id in _GITHUB:
            verdict = self._http(
                "GitHub",
                "GET",
                f"{self.bases['GITHUB']}/user",
                {"Authorization": f"token {secret}", "Accept": "application/vnd.github+json"},
            )
        elif rule_id in _GITLAB:
            verdict = self._http(
                "GitLab",
                "GET",
                f"{self.bases['GITLAB']}/api/v4/personal_access_tokens/self",
                {"PRIVATE-TOKEN": secret},
            )
        elif rule_id in _SLACK:
            verdict = self._slack(secret)
        elif rule_id in _STRIPE:
            verdict = self._http(
                "Stripe",
                "GET",
                f"{self.bases['STRIPE']}/v1/account",
                {"Authorization": f"Bearer {secret}"},
            )
        elif rule_id == AWS_SECRET and partner:
            verdict = self._aws(partner, secret)
        else:
            verdict = None
        if verdict is not None:
            self._cache[key] = verdict
        return verdict

    def _elsewhere(self, rule_id: str, named: Iterable[str]) -> Verdict | None:
        """A verdict when the files point to a self-hosted instance (None: send it)."""
        provider = "GITHUB" if rule_id in _GITHUB else "GITLAB"
        configured = urllib.parse.urlsplit(self.bases[provider]).hostname or ""
        hosts = {h.lower() for h in named} - {configured.lower()}
        if not hosts:
            return None
        name = "GitHub" if provider == "GITHUB" else "GitLab"
        public = urllib.parse.urlsplit(_DEFAULTS[provider]).hostname
        return Verdict(
            UNKNOWN,
            f"not verified: the file names a self-hosted {name} ({', '.join(sorted(hosts))}), "
            f"so the token was not sent to {public} "
            f"(set SHIELDWALL_VERIFY_{provider}_URL to check it there)",
        )

    def _exchange(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None
    ) -> tuple[int, bytes]:
        """One HTTPS request under a wall-clock deadline: (status, at most 64 KiB of body).

        Raises _Exhausted when the budget is spent, _Cut when the deadline passed."""
        now = time.monotonic()
        left = self._deadline - now
        if self.requests >= self.max_requests:
            raise _Exhausted(f"at most {self.max_requests} requests per scan")
        if left <= 0:
            raise _Exhausted(f"{self.budget:g}s for the whole verification")
        self.requests += 1
        limit = min(self.timeout, left)
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=limit, context=self.context
        )
        fired = threading.Event()

        def cut() -> None:
            fired.set()
            sock = conn.sock
            if sock is not None:
                # The plain socket's shutdown, not SSLSocket's: safe from another thread.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

        timer = threading.Timer(limit, cut)
        timer.daemon = True
        timer.start()
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            conn.request(method, path or "/", body=body, headers=dict(headers))
            response = conn.getresponse()
            data = response.read(_MAX_BODY)
            status = response.status
        except (OSError, ValueError, http.client.HTTPException):
            if fired.is_set():
                raise self._cut(limit) from None
            raise
        finally:
            timer.cancel()
            conn.close()
        if fired.is_set():
            raise self._cut(limit)
        return status, data

    def _cut(self, limit: float) -> Exception:
        """Cut at the end of the budget, or at the request's own timeout."""
        if limit < self.timeout:
            return _Exhausted(f"{self.budget:g}s for the whole verification")
        return _Cut(f"no answer within {limit:g}s")

    def _call(
        self, provider: str, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, bytes] | Verdict:
        """The answer, or the verdict when there is none."""
        try:
            return self._exchange(method, url, headers, body)
        except _Exhausted as exc:
            self.exhausted += 1
            return Verdict(UNKNOWN, f"not verified: budget exhausted ({exc})")
        except _Cut as exc:
            return Verdict(UNKNOWN, f"not verified: timeout ({provider}: {exc})")
        except (OSError, ValueError, http.client.HTTPException) as exc:
            return Verdict(UNKNOWN, f"could not verify with {provider}: {_reason(exc)}")

    def _http(self, provider: str, method: str, url: str, headers: dict[str, str]) -> Verdict:
        answer = self._call(
            provider, method, url, {"User-Agent": "shieldwall-verify", **headers}, None
        )
        if isinstance(answer, Verdict):
            return answer
        status, _ = answer
        if 200 <= status < 300:
            return Verdict(LIVE, f"verified live: {provider} accepted it")
        if status in (401, 403):
            return Verdict(REJECTED, f"{provider} rejected it (HTTP {status}): revoked or invalid")
        return _other(provider, status)

    def _slack(self, secret: str) -> Verdict:
        answer = self._call(
            "Slack",
            "POST",
            f"{self.bases['SLACK']}/api/auth.test",
            {"Authorization": f"Bearer {secret}", "User-Agent": "shieldwall-verify"},
            b"",
        )
        if isinstance(answer, Verdict):
            return answer
        status, body = answer
        try:
            parsed = json.loads(body.decode("utf-8") or "{}")
        except ValueError as exc:
            return Verdict(UNKNOWN, f"could not verify with Slack: {_reason(exc)}")
        result = parsed if isinstance(parsed, dict) else {}
        if status == 200 and result.get("ok") is True:
            return Verdict(LIVE, "verified live: Slack accepted it")
        if result.get("error") in (
            "invalid_auth",
            "not_authed",
            "account_inactive",
            "token_revoked",
        ):
            return Verdict(REJECTED, f"Slack rejected it ({result['error']}): revoked or invalid")
        return _other("Slack", status)

    def _aws(self, key_id: str, secret: str) -> Verdict:
        base = self.bases["AWS"]
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        headers = sigv4_headers(key_id, secret, base, body, dt.datetime.now(dt.UTC))
        answer = self._call("AWS STS", "POST", base + "/", headers, body)
        if isinstance(answer, Verdict):
            return answer
        status, _ = answer
        if status == 200:
            return Verdict(LIVE, "verified live: AWS STS GetCallerIdentity accepted the key pair")
        if status in (401, 403):
            return Verdict(
                REJECTED, f"AWS STS rejected the key pair (HTTP {status}): revoked or invalid"
            )
        return _other("AWS STS", status)


def _other(provider: str, status: int) -> Verdict:
    if 300 <= status < 400:
        return Verdict(
            UNKNOWN, f"could not verify with {provider}: HTTP {status} (redirects are not followed)"
        )
    return Verdict(UNKNOWN, f"could not verify with {provider}: HTTP {status}")


def _reason(exc: BaseException) -> str:
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
