"""``python -m peerpath.engine solve IN.json -o OUT.json``: the engine's file interface, the same command as
the documented ``python -m peerpath.matching solve``. It runs without Django (see ``peerpath.engine.cli``)."""

import sys

from peerpath.engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
