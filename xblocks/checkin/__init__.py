"""The check-in XBlock: learners record how they apply a module on the job, and ask their manager for help."""
