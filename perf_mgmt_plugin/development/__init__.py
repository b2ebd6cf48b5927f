"""
Development plans and the learning loop: templates, plans and their items, the approval workflow, and the LMS
progress (openedx-events and edx-completion) that moves items and feeds course evidence back into competencies.
"""
