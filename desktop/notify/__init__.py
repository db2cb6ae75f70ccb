"""Desktop notifications, one module per method (D-Bus, notify-send, macOS, the tray icon)."""
