"""Gateway configurations generated from the service map (`shieldwall gateway config`)."""
