"""Identity resolution: one golden ``person_id`` per human across every source system.

``resolve`` makes the tables (run by the build as the Python model ``dwd.person_link``);
``evaluate`` measures the links against the demo college's truth file.
"""

from __future__ import annotations

from campusbrain.hub.identity.evaluate import evaluate
from campusbrain.hub.identity.resolve import resolve

__all__ = ["evaluate", "resolve"]
