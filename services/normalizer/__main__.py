"""`python -m services.normalizer`: the same as `newswire normalizer`."""

import sys

from ..cli import main

sys.exit(main(["normalizer"]))
