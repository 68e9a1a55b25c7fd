"""TikTok Shop Partner API (202309): signing, the client, orders and webhooks, the Seller Center CSV,
and a local TikTok Shop server (``platforms.tiktok.local``) for tests and the demo."""

API_URL = "https://open-api.tiktokglobalshop.com"
AUTH_URL = "https://auth.tiktok-shops.com"
