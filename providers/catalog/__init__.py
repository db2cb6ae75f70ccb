"""Each provider's declaration as data, importable without the HTTP stack."""
