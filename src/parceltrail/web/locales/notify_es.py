"""Spanish: the words of the pages about notifications (keys as ``notify_en``)."""

WORDS: dict[str, str] = {
    # the buyer's opt-in on the tracking page
    "updates.heading": "Recibe avisos de este paquete",
    "updates.help": "{shop} puede avisarte cuando salga a reparto, se entregue o se retrase. Primero te enviamos un enlace: no llegará nada más hasta que lo abras y pulses su botón.",
    "updates.field.email": "Correo electrónico",
    "updates.field.sms": "Número de móvil",
    "updates.field_help.email": "Por ejemplo ana@example.com.",
    "updates.field_help.sms": "Con su prefijo de país, por ejemplo +1 303 555 0100. Pueden aplicarse tarifas de mensajes y datos.",
    "updates.submit.email": "Avísame por correo",
    "updates.submit.sms": "Avísame por SMS",
    "updates.sent": "Enviamos un enlace a {address}. Ábrelo y pulsa el botón para empezar a recibir avisos.",
    "updates.already": "Ya enviamos hoy un enlace a {address}. Ábrelo para empezar a recibir avisos.",
    "updates.subscribed": "{address} ya recibe los avisos de este paquete.",
    "updates.bad_email": "Correo electrónico: eso no es una dirección de correo. Escríbela así: ana@example.com.",
    "updates.bad_phone": "Número de móvil: no es un número al que podamos enviar SMS. Escríbelo con su prefijo de país, así: +1 303 555 0100.",
    "updates.no_channel": "{shop} no envía avisos del paquete por esa vía.",
    "updates.taken": "{shop} ya envía los avisos de este paquete a la dirección del comprador. Para cambiarla, contacta con {shop}.",
    "updates.too_many": "Este paquete ya tuvo demasiadas suscripciones hoy. Inténtalo mañana.",
}
