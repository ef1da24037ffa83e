"""The data layer: load and validate `data/` (the claims ledger, official statistics, order logs,
scenarios, parameters, the assumption and risk registers) and say where values come from.
Imports only the foundation (`growthpath.paths`, `osutil`, `markup`)."""
