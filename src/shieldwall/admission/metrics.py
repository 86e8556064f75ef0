"""Prometheus metrics of the webhook, in a registry of its own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.reviews = Counter(
            "shieldwall_admission_reviews",
            "Admission reviews answered, by endpoint and verdict",
            ("endpoint", "verdict"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "shieldwall_admission_review_seconds",
            "Time to answer one admission review",
            ("endpoint",),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.rejected = Counter(
            "shieldwall_admission_rejected_requests",
            "Requests refused before judging (malformed, too large, too slow), by HTTP status",
            ("status",),
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
