"""Write the GB/T 2260 code set from the installed python-stdnum's cn/loc.dat.

Run after upgrading python-stdnum: ``.venv/bin/python scripts/build_gbt2260.py``.
tests/hub/standards/test_builders.py fails while the shipped file is out of date.
"""

from __future__ import annotations

from pathlib import Path

from campusbrain.hub.standards.builders import gbt2260_values, stdnum_loc_dat
from campusbrain.hub.standards.codesets import write_codeset_csv

TARGET = (
    Path(__file__).resolve().parents[1] / "src/campusbrain/hub/standards/data/codesets/gbt2260_division.csv"
)

if __name__ == "__main__":
    values = gbt2260_values(stdnum_loc_dat())
    write_codeset_csv(TARGET, values)
    print(f"{TARGET}: {len(values)} codes, version {values[0].version}")
