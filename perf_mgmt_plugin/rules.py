"""Imports every domain's rules so they are registered when the app is ready."""

from .org import rules as org_rules  # noqa: F401  pylint: disable=unused-import
