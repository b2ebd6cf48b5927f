"""What the LMS owns and the plugin reads: demo courses, enrollments and course roles."""
