"""``python -m peerpath.matching solve IN.json -o OUT.json``: the documented entry point of the engine's
file interface (other tools call it). It runs without Django; the command lives in ``peerpath.engine.cli``."""

import sys

from peerpath.engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
