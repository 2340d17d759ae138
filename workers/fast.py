"""Entry module for the fast pool: `dramatiq workers.fast --processes N --threads M`.

Importing this module is the process's bootstrap: it builds the App against
INVOICEPIPE_DATABASE_URL / INVOICEPIPE_REDIS_URL and declares only this pool's actors, so
the Dramatiq worker consumes only this pool's queue.
"""

from invoicepipe.worker_boot import boot_pool

app, broker = boot_pool("fast")
