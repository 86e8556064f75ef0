"""Analyzers: one package each, independent of each other, one protocol."""
