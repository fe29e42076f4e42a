"""Sales documents made on demand from the catalogue: the commercial proposal and the training contract."""
