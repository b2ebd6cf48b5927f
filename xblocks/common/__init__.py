"""What the perf-mgmt XBlocks share: the runtime user, the course, i18n, the staff-only editor save, JS helpers."""
