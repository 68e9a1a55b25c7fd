"""Shop platforms (TikTok Shop first): their APIs, webhooks and exports, turned into ``core.orders``.

Beside ``carriers/``: an edge package that talks HTTP and reads files; the parsing parts are pure.
"""
