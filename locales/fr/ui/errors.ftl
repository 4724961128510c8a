# What the agent reads when something fails: see locales/en/ui/errors.ftl.

## The engine's codes

error-bad-address = Ce n'est pas une adresse de serveur valide.
error-unreachable = Le serveur est injoignable. Réessayez une fois de nouveau en ligne.
error-bad-response = Le serveur a donné une réponse que l'application ne comprend pas. Réessayez ; si cela continue, prévenez votre administrateur.
error-unreadable-answer = La réponse du serveur est illisible. Réessayez ; si cela continue, prévenez votre administrateur.
error-not-signed-in = Votre session est fermée. Reconnectez-vous.
error-cache = La copie hors ligne de cet ordinateur est inutilisable : { $detail }
error-desktop = Le bureau a refusé : { $detail }
error-unknown = Un problème est survenu : { $detail }

## The server's codes

error-invalid-request = Le serveur a refusé la demande : { $detail }
error-invalid-field = Vérifiez votre saisie : { $detail }
error-body-too-large = C'est trop volumineux pour être envoyé.
error-message-too-long = Le message est trop long.
error-unauthorized = Votre session a pris fin. Reconnectez-vous.
error-invalid-credentials = E-mail ou mot de passe incorrect.
error-forbidden = Vous n'avez pas le droit de faire cela.
error-not-found = Cet élément n'existe plus.
error-conversation-taken = Un autre agent a pris cette conversation.
error-conversation-taken-by = { $name } a déjà pris cette conversation.
error-not-occupant = Seul l'agent qui traite cette conversation peut faire cela.
error-invalid-state = Cette conversation a changé entre-temps : consultez-la de nouveau.
error-op-id-reused = Cette modification a déjà été envoyée avec un autre contenu.
error-rate-limited = Trop de tentatives ; patientez une minute, puis réessayez.
error-try-again = Quelqu'un l'a modifiée au même moment ; réessayez.
error-resync-required = L'application se remet à jour avec le serveur ; réessayez dans un instant.
error-survey-answered = Ce questionnaire a déjà reçu une réponse.
error-customer-opted-out = Le client a envoyé STOP : plus aucun SMS ne peut lui être envoyé.
error-unknown-number = Ce serveur ne répond pas à ce numéro.
error-at-capacity = Vous traitez déjà autant de conversations que votre capacité le permet.
error-agent-unavailable = Cet agent n'est pas disponible.
error-agent-unavailable-named = { $name } n'est pas disponible.
error-agent-at-capacity = Cet agent traite déjà le maximum de conversations.
error-agent-at-capacity-named = { $name } traite déjà le maximum de conversations.
error-shortcut-taken = Une autre réponse type a déjà ce raccourci.
error-internal = Un problème est survenu sur le serveur. Réessayez ; si cela continue, prévenez votre administrateur.
