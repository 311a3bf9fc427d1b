"""Write the GB/T 2659 code sets (numeric and alpha-3) from Debian's iso-codes.

Needs the Debian package ``iso-codes`` (ISO 3166-1 JSON and its zh_CN translation):
``.venv/bin/python scripts/build_gbt2659.py``.
"""

from __future__ import annotations

import gettext
import json
from pathlib import Path

from campusbrain.hub.standards.builders import gbt2659_values
from campusbrain.hub.standards.codesets import write_codeset_csv

ISO_JSON = Path("/usr/share/iso-codes/json/iso_3166-1.json")
TARGET = (
    Path(__file__).resolve().parents[1] / "src/campusbrain/hub/standards/data/codesets/gbt2659_country.csv"
)

if __name__ == "__main__":
    countries = json.loads(ISO_JSON.read_text(encoding="utf-8"))["3166-1"]
    zh = gettext.translation("iso_3166-1", "/usr/share/locale", languages=["zh_CN"])
    values = gbt2659_values(countries, zh.gettext)
    write_codeset_csv(TARGET, values)
    print(f"{TARGET}: {len(values)} rows")
