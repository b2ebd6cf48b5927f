"""The org domain: org units, positions, employee records, reporting lines and delegated access."""
