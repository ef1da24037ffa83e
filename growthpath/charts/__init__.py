"""Charts: one Altair theme (`theme`), an offline renderer (`render`) and pure chart helpers (`helpers`)."""
from growthpath.charts import theme  # noqa: F401  (registers and enables the theme)
