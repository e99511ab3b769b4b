#!/usr/bin/env python
"""Django's command-line utility; ``stackup`` does exactly the same."""

from stackup.cli import main

if __name__ == "__main__":
    main()
