"""XBlocks of perf-mgmt: widgets inside courses that feed the plugin's records through ``perf_mgmt_plugin.api``."""
