"""CampusBrain (数智校园 · 校园大脑)."""

__version__ = "0.1.0"
