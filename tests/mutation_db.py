"""A pytest plugin for `make mutate` only (loaded with `-p tests.mutation_db` from `[tool.mutmut]`).

mutmut runs the tests of two mutants at once, each in a fresh fork. Sharing one test database would let
one run's uncommitted rows block or deadlock the other's (a false "killed"), so each run takes a free
slot and its own kept database `test_<name>_mutant<slot>`: created with the migrations on first use,
then reused (every test rolls back). A slot is held through a file lock, which the system releases
even when mutmut kills a run that took too long. `scripts/mutate.py` drops these databases.
"""

import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO

import pytest

SLOTS = 16
_held: list[IO[str]] = []


def _take_free_slot() -> int:
    folder = Path(tempfile.gettempdir()) / f"peerpath-mutate-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    for slot in range(SLOTS):
        handle = (folder / f"slot-{slot}.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held.append(handle)  # held for the life of this process
        return slot
    raise RuntimeError(f"more than {SLOTS} mutation runs at once")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return  # mutmut's stats and clean runs use the ordinary kept test database
    from django.conf import settings

    slot = _take_free_slot()
    for db_settings in settings.DATABASES.values():
        if db_settings["ENGINE"] == "django.db.backends.sqlite3":
            continue
        base = db_settings.get("TEST", {}).get("NAME") or f"test_{db_settings['NAME']}"
        db_settings.setdefault("TEST", {})["NAME"] = f"{base}_mutant{slot}"
