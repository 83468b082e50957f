"""Entry point for `flask --app app` and `gunicorn app:app`."""

import gc

from selfcare import create_app

app = create_app()
# Everything made at start-up lives as long as the worker. Frozen, it is left out of the
# collector's full sweeps, which otherwise slowed pages with years of data (docs/architecture.md).
gc.freeze()
