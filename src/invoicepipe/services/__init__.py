"""Use cases. Each step is one transaction: load, decide, move state + audit, commit, then enqueue."""
