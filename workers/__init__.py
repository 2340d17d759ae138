"""Dramatiq entry modules, one per pool: ``dramatiq workers.fast`` / ``workers.slow`` / ``workers.pipeline``."""
