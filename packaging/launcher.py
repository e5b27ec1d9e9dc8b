"""The frozen app's entry point: the same ``live-console`` command as the wheel's script."""

import multiprocessing
import sys

from console.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
