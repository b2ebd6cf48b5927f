"""Profiling: 360, 180 and self-mode profiles built from competencies, rounds of feedback and their reports."""
