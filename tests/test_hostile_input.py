"""Random bytes and random mutations of valid input: every parser and the config
analyzer finish without crashing or hanging, and report what they skip."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shieldwall.analyzers.base import ScanTarget
from shieldwall.analyzers.config import ConfigAnalyzer
from shieldwall.analyzers.topology import TopologyAnalyzer
from shieldwall.sources.dockerfile import parse_dockerfile
from shieldwall.sources.tree import walk
from shieldwall.sources.yaml_tree import parse_documents

VALID_MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: nginx:latest
          ports: [{containerPort: 80, hostPort: 80}]
          env:
            - {name: DB_URL, value: "postgres://db/x?sslmode=disable"}
          securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
    - host: a.example.org
      http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
"""
VALID_COMPOSE = """services:
  web:
    image: nginx
    privileged: true
    ports: ["80:80"]
    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
    environment:
      DB_PASSWORD: hunter2
"""
VALID_DOCKERFILE = """FROM python:3.12 AS build
RUN curl -sSL https://example.org/install.sh | sh
FROM python:3.12-slim
ADD https://example.org/x.tgz /tmp/
ENV API_TOKEN=abc
USER root
CMD python app.py
"""

FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def _scan_text(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        target = ScanTarget(walk(Path(tmp)))
        output = ConfigAnalyzer().analyze(target)
        for finding in output.findings:
            assert finding.location.start_line >= 1
        for skipped in output.skipped:
            assert skipped.path == name and skipped.reason


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_as_yaml(data: bytes) -> None:
    _scan_text("random.yaml", data)


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_as_dockerfile(data: bytes) -> None:
    _scan_text("Dockerfile", data)


@FAST
@given(st.text(max_size=3000))
def test_random_text_through_parsers(text: str) -> None:
    list(parse_documents(text))
    parse_dockerfile(text)


def _mutations(valid: str) -> st.SearchStrategy[str]:
    lines = valid.splitlines()

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        out = list(lines)
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["delete", "duplicate", "replace", "indent", "truncate"]))
            i = draw(st.integers(0, len(out) - 1)) if out else 0
            if not out:
                break
            if op == "delete":
                del out[i]
            elif op == "duplicate":
                out.insert(i, out[i])
            elif op == "replace":
                token = draw(
                    st.sampled_from(
                        [
                            "[]",
                            "{}",
                            "null",
                            "1",
                            "- x",
                            "*a",
                            "&a x",
                            "'",
                            "true",
                            "{{ .Values.x }}",
                            ":",
                            "-",
                        ]
                    )
                )
                key, _, _ = out[i].partition(":")
                out[i] = f"{key}: {token}" if draw(st.booleans()) else token
            elif op == "indent":
                out[i] = "  " * draw(st.integers(0, 4)) + out[i].lstrip()
            else:
                out = out[: i + 1]
        return "\n".join(out) + "\n"

    return mutate()


@FAST
@given(_mutations(VALID_MANIFEST))
def test_mutated_manifests(text: str) -> None:
    _scan_text("deploy.yaml", text.encode())


@FAST
@given(_mutations(VALID_COMPOSE))
def test_mutated_compose(text: str) -> None:
    _scan_text("docker-compose.yaml", text.encode())


@FAST
@given(_mutations(VALID_DOCKERFILE))
def test_mutated_dockerfiles(text: str) -> None:
    _scan_text("Dockerfile", text.encode())


def test_valid_inputs_raise_findings() -> None:
    """The mutation seeds are themselves caught, so the fuzzing starts from real findings."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "deploy.yaml").write_text(VALID_MANIFEST)
        (root / "docker-compose.yaml").write_text(VALID_COMPOSE)
        (root / "Dockerfile").write_text(VALID_DOCKERFILE)
        target = ScanTarget(walk(root))
        rules = {
            f.rule.id
            for analyzer in (ConfigAnalyzer(), TopologyAnalyzer())
            for f in analyzer.analyze(target).findings
        }
    # The NodePort's exposure is the service map's fact (one owner per question).
    assert {
        "K8S-PRIVILEGED",
        "TOPO-ENTRY-NO-GATEWAY",
        "NET-DB-TLS-DISABLED",
        "K8S-INGRESS-NO-TLS",
    } <= rules


# Every analyzer, not only config: random bytes and text under the names each one reads.
_ALL_ANALYZER_NAMES = (
    "app.py",
    "requirements.txt",
    "package-lock.json",
    "poetry.lock",
    "go.mod",
    "Cargo.lock",
    "pom.xml",
    "yarn.lock",
    "Gemfile.lock",
    ".env",
)


def _scan_all(name: str, data: bytes) -> None:
    from shieldwall.engine.scanner import ScanOptions, run_scan

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        result = run_scan(Path(tmp), ScanOptions(analyzers="code,deps,secrets,topology")).result
        assert result.errors == ()  # no analyzer crashed
        for finding in result.findings:
            assert finding.location.start_line >= 1


@settings(max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_ALL_ANALYZER_NAMES), st.binary(max_size=1500))
def test_random_bytes_for_every_analyzer(name: str, data: bytes) -> None:
    _scan_all(name, data)


@settings(max_examples=25, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_ALL_ANALYZER_NAMES), st.text(max_size=1500))
def test_random_text_for_every_analyzer(name: str, text: str) -> None:
    _scan_all(name, text.encode("utf-8", "surrogatepass"))


_SEEDS = {
    "requirements.txt": "-r other.txt\nflask==2.0.0 --hash=sha256:00\n"
    "requests[socks]>=2.0; python_version>'3'\n-e git+https://example.org/x.git#egg=x\n",
    "package-lock.json": '{"name": "a", "lockfileVersion": 3, "packages": {"": '
    '{"dependencies": {"lodash": "^4"}}, "node_modules/lodash": {"version": "4.17.20", '
    '"dependencies": {"x": "1"}}}}\n',
    "poetry.lock": '[[package]]\nname = "flask"\nversion = "2.0.0"\n[package.dependencies]\n'
    'click = ">=7"\n',
    "app.py": "from flask import Flask, request\nimport os\napp = Flask(__name__)\n"
    "@app.route('/x')\ndef x():\n    p = request.args.get('p')\n    d = {'a': p, 'b': 1}\n"
    "    os.system('ls ' + d['a'])\n    return eval(p)\n",
}


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_SEEDS)), st.data())
def test_mutated_inputs_for_every_analyzer(name: str, data: st.DataObject) -> None:
    text = data.draw(_mutations(_SEEDS[name]))
    _scan_all(name, text.encode())


def test_every_analyzer_seed_raises_findings() -> None:
    """The seeds above are real inputs: the mutations start from code that is caught."""
    from shieldwall.engine.scanner import ScanOptions, run_scan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in _SEEDS.items():
            (root / name).write_text(text)
        result = run_scan(root, ScanOptions(analyzers="code,deps")).result
    rules = {f.rule.id for f in result.findings}
    assert {"PY-COMMAND-INJECTION", "PY-CODE-INJECTION", "DEPS-UNPINNED"} <= rules
