"""Appraisals: review cycles, templates, the review conversation, coaching, interim notes, follow-up and surveys."""
