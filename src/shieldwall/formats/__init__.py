"""Report formats: one module each, all reading a ScanResult."""
