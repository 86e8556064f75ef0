"""What to scan: the file tree, and parsers that keep line numbers."""
