"""growthpath: a reproducible analysis of a 2026 social e-commerce growth plan.

Modules: `paths` (where things are), `datapackage` (validation against data/datapackage.json),
`claims` and `official` (loaders), `models` (statsmodels fits), `charts` (the Altair theme and
helpers), `book` (glue and display helpers for chapters), `runner` / `build` / `cli` (the pipeline).
"""
__version__ = "0.1.0"
