"""The findings service (`shieldwall serve`): every scan and SBOM of every project,
their history, triage that flows back to CI, and SBOM monitoring. Over engine/."""
