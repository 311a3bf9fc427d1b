#!/usr/bin/env python
"""Django's command-line utility for administrative tasks (migrate, createsuperuser, check --deploy)."""

import os
import sys


def main() -> None:
    """Run a Django management command with CampusBrain's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campusbrain.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
