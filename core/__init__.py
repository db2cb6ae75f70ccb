"""What the app is, with no window and no tray: config, keys, jobs, errors, models."""
