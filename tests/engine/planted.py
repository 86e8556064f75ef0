"""A repository with secrets of many kinds planted in every place a finding, a
skip reason, a service-map edge or an SBOM component can quote. Every value is
built at run time (never committed as a literal)."""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path

from tests.analyzers.secrets.samples import github_token, jwt, pem_block

_ALNUM = string.ascii_letters + string.digits


def _chars(rnd: random.Random, pool: str, n: int) -> str:
    return "".join(rnd.choice(pool) for _ in range(n))


@dataclass(frozen=True)
class Planted:
    root: Path
    # name -> raw value that must never appear in any output
    values: dict[str, str]


def secrets(seed: int = 11) -> dict[str, str]:
    rnd = random.Random(seed)
    key = pem_block()
    return {
        "github": github_token("ghp_", seed),
        "github_vcs": github_token("ghp_", seed + 1),
        "gitlab_oauth": "glpat-" + _chars(rnd, _ALNUM, 20),
        "bare_token_userinfo": _chars(rnd, "0123456789abcdef", 40),
        "index_password": "Ix" + _chars(rnd, _ALNUM, 14),
        "npm_password": "Np" + _chars(rnd, _ALNUM, 14),
        "npm_token_userinfo": _chars(rnd, _ALNUM, 36),
        "aws_key_id": "AKIA" + _chars(rnd, string.ascii_uppercase + "234567", 16),
        "aws_secret": _chars(rnd, _ALNUM + "/+", 40),
        "slack": "xoxb-" + _chars(rnd, string.digits, 12) + "-" + _chars(rnd, _ALNUM, 24),
        "stripe": "sk_live_" + _chars(rnd, _ALNUM, 28),
        "jwt": jwt({"sub": "svc-" + _chars(rnd, _ALNUM, 6), "role": "admin"}),
        "db_password": "Pg" + _chars(rnd, _ALNUM, 12),
        "redis_password": "Rd" + _chars(rnd, _ALNUM, 12),
        "compose_password": "Cp" + _chars(rnd, _ALNUM, 12),
        "dockerfile_password": "Df" + _chars(rnd, _ALNUM, 12),
        "arg_token": _chars(rnd, _ALNUM, 32),
        "bearer": _chars(rnd, _ALNUM, 40),
        "annotation_secret": _chars(rnd, _ALNUM, 32),
        "private_key_body": key.splitlines()[1],
        "private_key": key,
    }


def plant(root: Path, seed: int = 11) -> Planted:
    s = secrets(seed)
    files: dict[str, str] = {}
    files["requirements.txt"] = (
        f"--index-url https://deploy:{s['index_password']}@pypi.corp.example/simple\n"
        f"git+https://oauth2:{s['gitlab_oauth']}@gitlab.example.com/grp/pkg-one.git#egg=pkg-one\n"
        f"git+https://{s['github_vcs']}@github.com/org/pkg-two.git@main#egg=pkg-two\n"
        f"https://{s['bare_token_userinfo']}@files.example.com/pkg_three-1.0.tar.gz\n"
        "requests>=2\n"
    )
    files["web/package-lock.json"] = json.dumps(
        {
            "name": "web",
            "version": "1.0.0",
            "lockfileVersion": 1,
            "requires": True,
            "dependencies": {
                "left-pad": {
                    "version": "1.3.0",
                    "resolved": f"https://ci:{s['npm_password']}@npm.corp.example/left-pad/-/"
                    "left-pad-1.3.0.tgz",
                },
                "private-lib": {
                    "version": f"git+https://{s['npm_token_userinfo']}@github.com/org/"
                    "private-lib.git#0123456789abcdef0123456789abcdef01234567",
                },
            },
        },
        indent=2,
    )
    db_url = f"postgres://orders:{s['db_password']}@orders-db:5432/orders?sslmode=disable"
    redis_url = f"redis://:{s['redis_password']}@cache:6379/0"
    health = "http://payments:8080/health && run"
    files["k8s/orders.yaml"] = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
  annotations:
    deploy.example/api-token: "{s["annotation_secret"]}"
    deploy.example/notify: "{s["slack"]}"
spec:
  selector: {{matchLabels: {{app: orders}}}}
  template:
    metadata:
      labels: {{app: orders}}
    spec:
      containers:
        - name: orders
          image: registry.example/orders:latest
          command: ["sh", "-c", "curl -H 'Authorization: Bearer {s["bearer"]}' {health}"]
          args: ["--stripe-key={s["stripe"]}", "--aws-secret-access-key={s["aws_secret"]}"]
          env:
            - name: DATABASE_URL
              value: "{db_url}"
            - name: CACHE_URL
              value: "{redis_url}"
            - name: PAYMENTS_URL
              value: "http://svc:{s["db_password"]}@payments:8080/api"
            - name: AWS_ACCESS_KEY_ID
              value: "{s["aws_key_id"]}"
            - name: AWS_SECRET_ACCESS_KEY
              value: "{s["aws_secret"]}"
            - name: GITHUB_TOKEN
              value: "{s["github"]}"
            - name: SESSION_JWT
              value: "{s["jwt"]}"
            - name: DB_PASSWORD
              value: "{s["db_password"]}"
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Service
metadata: {{name: payments, namespace: shop}}
spec:
  type: LoadBalancer
  selector: {{app: payments}}
  ports: [{{port: 8080}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: payments, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: payments}}}}
  template:
    metadata:
      labels: {{app: payments}}
    spec:
      containers:
        - name: payments
          image: registry.example/payments:1.0
          env:
            - name: ORDERS_DB
              value: "{db_url}"
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: orders-config, namespace: shop}}
data:
  DATABASE_URL: "{db_url}"
  STRIPE_KEY: "{s["stripe"]}"
  tls.key: |
{_indent(s["private_key"], 4)}
"""
    files["docker-compose.yml"] = f"""services:
  api:
    image: registry.example/api:latest
    privileged: true
    ports: ["8080:8080"]
    environment:
      DATABASE_URL: "{db_url}"
      CACHE_URL: "{redis_url}"
      POSTGRES_PASSWORD: "{s["compose_password"]}"
      SLACK_TOKEN: "{s["slack"]}"
    command: ["serve", "--token", "{s["github"]}"]
  cache:
    image: redis
    command: redis-server --requirepass {s["redis_password"]}
  orders-db:
    image: postgres
    environment:
      - POSTGRES_PASSWORD={s["compose_password"]}
"""
    files["Dockerfile"] = f"""FROM python:latest
ARG NPM_TOKEN={s["arg_token"]}
ENV DB_PASSWORD={s["dockerfile_password"]} DATABASE_URL={db_url}
ENV AWS_SECRET_ACCESS_KEY={s["aws_secret"]}
RUN curl -u admin:{s["dockerfile_password"]} http://artifacts.example/tool.sh | sh
RUN pip install git+https://oauth2:{s["gitlab_oauth"]}@gitlab.example.com/grp/tool.git
ADD https://deploy:{s["index_password"]}@files.example.com/app.tar.gz /app/
"""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Planted(root, s)


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


def leaks(output: str, planted: Planted) -> list[str]:
    """The names of the planted values found raw in `output`."""
    found = []
    for name, value in planted.values.items():
        if name == "private_key":
            body = value.splitlines()[1:-1]
            if any(line in output for line in body):
                found.append(name)
        elif value in output:
            found.append(name)
    return found
