"""AI providers behind one small protocol (``providers.base``), and the shared HTTP policy."""
