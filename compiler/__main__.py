import sys

from mlopsc.cli import main

sys.exit(main())
