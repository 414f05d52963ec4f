"""``python -m airflow_provider_vercel``: discovery and a billing-plan dry run (see the ``cli`` package)."""

from __future__ import annotations

import sys

from airflow_provider_vercel.cli import main

if __name__ == "__main__":
    sys.exit(main())
