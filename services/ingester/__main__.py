"""`python -m services.ingester`: the same as `newswire ingester`."""

import sys

from ..cli import main

sys.exit(main(["ingester"]))
