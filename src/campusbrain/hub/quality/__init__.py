"""Data quality: rules beside the models, dimension scores, failing-row capture, tickets."""
