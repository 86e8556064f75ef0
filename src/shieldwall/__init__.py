"""shieldwall: security checks for containerised microservices, from CI to runtime."""

__version__ = "0.1.0"
