"""growthpath: a reproducible analysis of a 2026 social e-commerce growth plan.

The package is layered; a module imports only from its own layer or the ones above it in this list
(`tests/test_layers.py`; the map is `docs/architecture.md`):

- foundation: `paths` (where things are), `osutil` (atomic writes, locks), `markup` (Markdown escaping);
- `data`: load and validate `data/` (claims ledger, official statistics, order logs, scenarios, parameters,
  assumption and risk registers);
- `analysis`, `models`, `audit`: what the chapters compute, the statsmodels models, the audit's findings;
- `charts`: the Altair theme, chart helpers, the offline renderer and print stills;
- `publish`: run the chapters, glue their values (`publish.page`), build and check the book;
- `cli`: the `growthpath` command.
"""
__version__ = "0.1.0"
