"""Runtime detection: read gateway, ingress and audit logs, recognise attacks,
and turn them into decisions (`shieldwall watch`)."""
