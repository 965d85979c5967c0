"""``python -m socialcare_metrics``: the command line (see ``python -m socialcare_metrics -h``)."""

from .cli import main

raise SystemExit(main())
