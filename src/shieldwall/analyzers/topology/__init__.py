"""The topology analyzer: the service map and the findings read off it."""

from shieldwall.analyzers.topology.analyzer import TopologyAnalyzer, map_inventory, map_units

__all__ = ["TopologyAnalyzer", "map_inventory", "map_units"]
