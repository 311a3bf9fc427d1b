"""Engine adapters: the only modules that import duckdb (default) or pyspark (scale-out)."""
