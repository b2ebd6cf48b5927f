"""Blended competency modules: implementation guides applied on the job, managers' observations, job aids."""
