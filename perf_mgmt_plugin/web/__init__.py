"""Server-rendered pages of perf-mgmt: the UI shell and each persona's pages."""
