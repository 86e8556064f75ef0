"""Known vulnerabilities from OSV: the local database (store, update from a
mirror), version ordering per ecosystem, OSV range evaluation, and the
findings it yields."""
