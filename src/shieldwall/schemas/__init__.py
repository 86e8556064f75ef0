"""JSON Schemas (draft 2020-12) of the JSON contracts: `report-v1.json` for
`scan --format json`, `map-v1.json` for `map --format json`. Data only; read
them with `shieldwall schema report|map` or importlib.resources."""
