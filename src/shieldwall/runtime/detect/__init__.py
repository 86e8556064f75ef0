"""Payload detection: decode as attackers encode, then match."""
