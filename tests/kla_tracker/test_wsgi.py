"""The WSGI entry point gunicorn loads in each worker."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_freezes_what_it_loaded_at_start_out_of_the_collectors_full_passes():
    # In a process of its own: freezing is for the worker's lifetime, not the test run's.
    script = ("import gc; assert gc.get_freeze_count() == 0; import kla_tracker.wsgi as wsgi; "
              "assert callable(wsgi.application); print(gc.get_freeze_count())")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kla_tracker.settings"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    assert int(done.stdout) > 10_000  # Django and the apps, not a handful of objects
