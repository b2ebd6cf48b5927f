"""Management commands of perf-mgmt, for operators and cron."""
