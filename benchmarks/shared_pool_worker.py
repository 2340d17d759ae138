"""Entry module for the "one shared pool" topology of benchmarks/pool_isolation.py.

One Dramatiq process group that declares every actor, so it consumes parse.fast,
parse.slow and pipeline alike: ``python -m dramatiq shared_pool_worker --path . benchmarks
--processes 1 --threads 4`` (run from the project root). It exists only to be compared with
the production topology (workers/fast.py, workers/slow.py, workers/pipeline.py).

Loading ``dramatiq workers.fast workers.slow workers.pipeline`` in one process does not give
a shared pool: each of those modules bootstraps its own App and broker and declares its
pool's actors on that broker, while Dramatiq runs only the broker of the first module.
"""

import os

from invoicepipe.actors import declare_actors
from invoicepipe.bootstrap import bootstrap

# As in invoicepipe.worker_boot: parallelism comes from worker slots, not OpenMP threads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
app = bootstrap(migrate=False)
declare_actors(app)  # no queue filter: all three queues in one pool
broker = app.broker
