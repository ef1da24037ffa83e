"""Statistical models used by the chapters (statsmodels underneath)."""
