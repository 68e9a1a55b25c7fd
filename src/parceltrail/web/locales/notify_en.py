"""English: the words of the pages about notifications: the buyer's "get news of this parcel" card on the
tracking page, and the dashboard's notification channels and message previews. Keys are shared with
``notify_es`` (a test checks)."""

WORDS: dict[str, str] = {
    # the buyer's opt-in on the tracking page
    "updates.heading": "Get news of this parcel",
    "updates.help": "{shop} can tell you when it's out for delivery, delivered or held up. We send one link first: nothing more comes until you open it and press its button.",
    "updates.field.email": "E-mail address",
    "updates.field.sms": "Mobile number",
    "updates.field_help.email": "For example ana@example.com.",
    "updates.field_help.sms": "With its country code, for example +1 303 555 0100. Message and data rates may apply.",
    "updates.submit.email": "E-mail me",
    "updates.submit.sms": "Text me",
    "updates.sent": "We sent a link to {address}. Open it and press the button to start the updates.",
    "updates.already": "A link already went to {address} today. Open it to start the updates.",
    "updates.subscribed": "{address} already gets this parcel's news.",
    "updates.bad_email": "E-mail address: that isn't an e-mail address. Type it like ana@example.com.",
    "updates.bad_phone": "Mobile number: that isn't a number we can text. Type it with its country code, like +1 303 555 0100.",
    "updates.no_channel": "{shop} doesn't send parcel news that way.",
    "updates.taken": "{shop} already sends this parcel's news to the buyer's own address. To change it, contact {shop}.",
    "updates.too_many": "This parcel has had too many sign-ups today. Try again tomorrow.",
}
