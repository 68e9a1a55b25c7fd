"""The channels that carry messages out: Standard Webhooks (``webhook``) and Apprise (email, SMS, chat)."""
