"""SQL models by layer (``ods/ dwd/ dws/ ads/``) and the runner that builds them into a snapshot."""
