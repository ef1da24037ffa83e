"""The analysis layer: what the chapters compute from the data layer (market outlook, unit
economics, funnel, effects, feasibility, scorecard, stress tests, ...). Imports the data layer,
`growthpath.models` and `growthpath.audit`; never charts or publish."""
