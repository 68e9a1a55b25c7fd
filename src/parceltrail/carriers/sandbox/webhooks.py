"""The sandbox signs its pushes the Standard Webhooks way: the shared implementation in
``parceltrail.carriers.webhooks``. Timestamps are wall-clock (real) time even when the network's clock
is accelerated: the replay window is about real network delays."""

from parceltrail.carriers.webhooks import (
    HEADERS,
    SECRET_PREFIX,
    WebhookVerificationError,
    new_secret,
    secret_key,
    sign,
    signature,
    verify,
)

__all__ = ["HEADERS", "SECRET_PREFIX", "WebhookVerificationError", "new_secret", "secret_key", "sign",
           "signature", "verify"]
