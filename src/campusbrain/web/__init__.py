"""The Django project: settings, URLs, base layout and the process launcher."""
