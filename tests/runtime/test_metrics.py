from __future__ import annotations

from shieldwall.runtime.config import WatchConfig
from shieldwall.runtime.engine import Engine
from shieldwall.runtime.metrics import exposition
from shieldwall.runtime.reader import LogSource
from shieldwall.runtime.sources.registry import PARSERS
from shieldwall.runtime.store import DecisionStore
from tests.runtime.samples import NGINX


def test_metrics_count_lines_unparsed_detections_and_lag() -> None:
    engine = Engine(WatchConfig(), DecisionStore())
    source = LogSource("a.log", engine, PARSERS["nginx"])
    attack = NGINX.replace("q=shoes", "q=%3Cscript%3Ealert(1)%3C/script%3E")
    for line in (NGINX, "garbage", attack):
        source.feed(line.encode())
    text = exposition(engine, now=engine.stats.last_time + 5)
    assert "shieldwall_watch_lines_total 3" in text
    assert "shieldwall_watch_unparsed_lines_total 1" in text
    assert 'shieldwall_watch_detections_total{kind="xss"} 1' in text
    assert "shieldwall_watch_lag_seconds 5.000" in text
