"""Entry point for `flask --app app` and `gunicorn app:app`."""

import gc

# Start-up makes objects that live as long as the worker and next to no garbage, so the
# collector is paused while it runs: its passes over the growing heap were a good part of the
# time from process start to first answer (docs/architecture.md).
gc.disable()

from selfcare import create_app  # noqa: E402 (imported with the collector paused)

app = create_app()
# Everything made at start-up lives as long as the worker. Frozen, it is left out of the
# collector's full sweeps, which otherwise slowed pages with years of data (docs/architecture.md).
gc.freeze()
gc.enable()
