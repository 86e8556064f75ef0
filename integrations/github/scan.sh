#!/usr/bin/env bash
# The action's scan step, as a plain script: inputs come from INPUT_* variables,
# outputs go to $GITHUB_OUTPUT and a summary to $GITHUB_STEP_SUMMARY.
# Exit 0 when the scan ran (the gate's verdict is the exit-code output, so that
# the SARIF upload still happens); the scan's own exit code 2 or 3 is passed on.
set -uo pipefail

path="${INPUT_PATH:-.}"
sarif="${INPUT_SARIF_FILE:-shieldwall.sarif}"
summary_json="$(mktemp)"
trap 'rm -f "$summary_json"' EXIT

cmd=(shieldwall scan "$path" --format "sarif:$sarif" --format "json:$summary_json" --format text
     --fail-on "${INPUT_FAIL_ON:-high}" --no-color)
if [[ -n "${INPUT_BASELINE:-}" ]]; then
  cmd+=(--baseline "$INPUT_BASELINE")
fi
if [[ -n "${INPUT_ARGS:-}" ]]; then
  # Split on white space only: no globbing, no command substitution.
  read -r -a extra <<<"$INPUT_ARGS"
  cmd+=("${extra[@]}")
fi

"${cmd[@]}"
code=$?

out="${GITHUB_OUTPUT:-/dev/null}"
if [[ $code -le 1 ]]; then
  echo "exit-code=$code" >>"$out"
  echo "sarif-file=$sarif" >>"$out"
else
  echo "exit-code=$code" >>"$out"
  echo "::error title=shieldwall::the scan failed with exit code $code (see the log above)"
  exit "$code"
fi

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -s "$summary_json" ]]; then
  python - "$summary_json" "$code" >>"$GITHUB_STEP_SUMMARY" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
counts = report["summary"].get("by_severity", {})
verdict = "failed" if sys.argv[2] == "1" else "passed"
print(f"### shieldwall: the gate {verdict}\n")
print("| severity | findings |\n|---|---|")
for level in ("critical", "high", "medium", "low", "info"):
    print(f"| {level} | {counts.get(level, 0)} |")
PY
fi
exit 0
