"""Severities and the eight controls every finding names exactly one of."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: info=0 ... critical=4."""
        return _RANK[self]

    @property
    def security_severity(self) -> str:
        """GitHub code scanning's numeric `security-severity` for this level."""
        return _SECURITY_SEVERITY[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}

_SECURITY_SEVERITY = {
    Severity.INFO: "0.0",
    Severity.LOW: "3.0",
    Severity.MEDIUM: "5.5",
    Severity.HIGH: "8.0",
    Severity.CRITICAL: "9.5",
}


class Control(StrEnum):
    LEAST_PRIVILEGE = "least-privilege"
    ACCESS_CONTROL = "access-control"
    ISOLATION = "isolation"
    ENCRYPTION = "encryption"
    API_EXPOSURE = "api-exposure"
    SECRETS = "secrets"
    SUPPLY_CHAIN = "supply-chain"
    CODE = "code"

    @property
    def label(self) -> str:
        return _LABEL[self]


_LABEL = {
    Control.LEAST_PRIVILEGE: "Least privilege",
    Control.ACCESS_CONTROL: "Centralised access control",
    Control.ISOLATION: "Isolation",
    Control.ENCRYPTION: "Encryption in transit and at rest",
    Control.API_EXPOSURE: "Exposure only through the gateway",
    Control.SECRETS: "Secrets",
    Control.SUPPLY_CHAIN: "Supply chain",
    Control.CODE: "Code",
}
