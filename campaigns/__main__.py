"""Entry point of `python -m campaigns`."""

from campaigns.cli import main

raise SystemExit(main())
