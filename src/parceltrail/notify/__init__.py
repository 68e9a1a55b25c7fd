"""Notifications: who hears about what, when (``plan``, pure), the payloads they get (``payloads``,
pure), and the channels that carry them (``channels``: Standard Webhooks, Apprise)."""
