"""The competency self-assessment XBlock (``perf_mgmt_self_assessment``)."""
