"""Start the tray app at login: an XDG autostart file, the Windows Run key or a macOS LaunchAgent."""
