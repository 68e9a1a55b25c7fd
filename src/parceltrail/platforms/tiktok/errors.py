"""TikTok's answers that are not success, as typed exceptions carrying TikTok's ``code`` and ``request_id``.

TikTok reports most failures as HTTP 200 with a non-zero ``code`` in the body. Codes by family (Partner
docs, error code pages; EcomPHP/tiktokshop-php groups 105xxx and 360xxx as token errors): 105001 invalid
access token, 105002 expired access token, 105005 access token revoked or not matching the app,
36004001/36004005 refresh token expired or unknown, 106001 bad ``sign``, 36009004 and HTTP 429 too many
requests. Messages never include a token or the app secret.
"""

from __future__ import annotations


class TikTokShopError(Exception):
    def __init__(self, message: str, code: int = -1, request_id: str = "", http_status: int | None = None) -> None:
        super().__init__(f"TikTok Shop answered code {code}: {message}" + (f" (request {request_id})" if request_id else ""))
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status


class AccessTokenExpired(TikTokShopError):
    """The access token is expired, invalid or revoked: refresh it and ask again."""


class AuthorizationLost(TikTokShopError):
    """The refresh token no longer works: the seller must connect the shop again."""


class BadSignature(TikTokShopError):
    """TikTok did not accept the ``sign``: the app secret or the signing is wrong (106001)."""


class RateLimited(TikTokShopError):
    """Too many requests; ``retry_after`` (seconds) when TikTok said."""

    def __init__(self, message: str, code: int = -1, request_id: str = "", http_status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, code, request_id, http_status)
        self.retry_after = retry_after


class TikTokUnavailable(TikTokShopError):
    """No usable answer: timeouts, connection errors or 5xx that outlived the retries."""


ACCESS_TOKEN_CODES = frozenset({105001, 105002, 105005})
AUTHORIZATION_CODES = frozenset({36004001, 36004005, 105003})
SIGNATURE_CODES = frozenset({106001})
RATE_LIMIT_CODES = frozenset({36009004})


def error_for(code: int, message: str, request_id: str, http_status: int | None) -> TikTokShopError:
    if code in ACCESS_TOKEN_CODES:
        return AccessTokenExpired(message, code, request_id, http_status)
    if code in AUTHORIZATION_CODES:
        return AuthorizationLost(message, code, request_id, http_status)
    if code in SIGNATURE_CODES:
        return BadSignature(message, code, request_id, http_status)
    if code in RATE_LIMIT_CODES or http_status == 429:
        return RateLimited(message, code, request_id, http_status)
    return TikTokShopError(message, code, request_id, http_status)
