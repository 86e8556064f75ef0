"""What the deploy phase covers, and how well its generated policies hold.

1. Rules at admission vs in `scan`: the config rules, the Kubernetes ones, those
   the webhook applies from the object alone, those needing the cluster snapshot.
2. ValidatingAdmissionPolicy: rules compiled to CEL, and their agreement with the
   analyzer on each rule's own pass/fail fixtures and on every workload object of
   all the rules' fixtures, under two CEL implementations for Python
   (`common-expression-language`, Rust; `cel-python`, pure Python) with their time.
3. NetworkPolicies for each PATH given (e.g. examples/shop and a public
   microservices system checked out beside): links of the map kept, pairs allowed
   that the map did not show, TOPO-DATASTORE-FROM-ANY-POD and K8S-NETPOL-MISSING
   findings before and after, time. No peer generates policies from manifests
   offline (Cilium's editor and Inspektor Gadget's advisor need a running cluster),
   so none is timed.

Run:  .venv/bin/python bench/admission_policies.py [PATH...]
Prints figures only; the exit code is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.admission.cel_agreement import agreement, python_cel, rust_cel  # noqa: E402

from shieldwall.admission.netpol import generate, verify  # noqa: E402
from shieldwall.admission.vap import compiled_rules  # noqa: E402
from shieldwall.analyzers.config import ConfigAnalyzer  # noqa: E402
from shieldwall.engine.object_check import CONTEXT_RULES, ObjectCheck  # noqa: E402


def coverage() -> None:
    config = ConfigAnalyzer().rules()
    k8s = ObjectCheck().rules(with_context=True)
    local = ObjectCheck().rules()
    print("rules: in scan (config analyzer)", len(config))
    print(
        f"  Kubernetes object rules {len(k8s)}; at admission from the object alone "
        f"{len(local)}, with the cluster snapshot {len(k8s)} (+{len(CONTEXT_RULES)})"
    )


def vap() -> None:
    compiled = compiled_rules(ObjectCheck().rules())
    print(f"\nValidatingAdmissionPolicy: {len(compiled)} rules compiled")
    for label, make in (("common-expression-language", rust_cel), ("cel-python", python_cel)):
        try:
            evaluate = make()
        except ImportError:
            print(f"  {label}: not installed")
            continue
        for scope, everywhere in (("own fixtures", False), ("all fixtures", True)):
            start = time.perf_counter()
            objects = agreed = 0
            wrong: list[str] = []
            for rule in compiled:
                result = agreement(rule, evaluate, everywhere)
                objects += result.objects
                agreed += result.agreed
                wrong.extend(f"{rule.rule.id}: {d}" for d in result.disagreements[:2])
            seconds = time.perf_counter() - start
            share = 100 * agreed / objects if objects else 0.0
            print(
                f"  {label:27} {scope:13} {agreed}/{objects} agree ({share:.1f} %) "
                f"in {seconds:.1f} s (analyzer scans included)"
            )
            for line in wrong[:5]:
                print(f"    {line}")


def netpol(paths: list[Path]) -> None:
    for path in paths:
        start = time.perf_counter()
        generated = generate(path)
        made = time.perf_counter() - start
        result = verify(path, generated)
        policies = sum(len(v) for v in generated.by_namespace.values())
        print(
            f"\nNetworkPolicies for {path}: {policies} in {len(generated.by_namespace)} "
            f"namespace(s), generated in {made:.2f} s"
        )
        print(
            f"  links kept {result.kept}/{result.links}, extra pairs {len(result.extra)}, "
            f"left out {len(generated.left_out)}"
        )
        print(f"  findings before {result.findings_before}")
        print(f"  findings after  {result.findings_after}")
        for line in (*result.lost, *result.extra):
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "examples" / "shop"])
    args = parser.parse_args()
    coverage()
    vap()
    netpol(args.paths)


if __name__ == "__main__":
    main()
