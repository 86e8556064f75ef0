"""Exit codes, a contract with CI (see DESIGN.md)."""

OK = 0  # nothing at or above the gate
FINDINGS = 1  # the gate failed
USAGE = 2  # usage or configuration error
TOOL_FAILED = 3  # shieldwall itself failed
BROKEN_PIPE = 141  # standard output's reader went away (128 + SIGPIPE), as `head` causes
