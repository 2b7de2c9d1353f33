"""Messaging: questions between professionals (to come). Notifications moved to ``work``."""
