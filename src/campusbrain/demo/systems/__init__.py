"""One module per source system of the demo college; each exposes ``generate(ctx)``."""
