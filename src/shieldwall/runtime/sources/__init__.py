"""Log parsers: one per format, a line (bytes) in, an event or None out."""
