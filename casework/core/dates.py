"""Dates as people and files write them."""

import re

# Strictly YYYY-MM-DD: date.fromisoformat alone also takes 20260315 and 2026-W11-7, which nobody means.
# A match is not yet a real date (2026-02-30): fromisoformat says that.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
