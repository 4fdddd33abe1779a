"""`python -m services.enricher`: the same as `newswire enricher`."""

import sys

from ..cli import main

sys.exit(main(["enricher"]))
