"""The keyboard while our windows are up: a grab for the selector, explicit focus for the dialogs (issue 17)."""
