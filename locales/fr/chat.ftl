# The customers' chat page (/chat), in French: see locales/en/chat.ftl.

## The page

chat-title = Discutez avec nous
chat-loading = Chargement…
chat-noscript = Cette discussion a besoin de JavaScript. Activez-le, puis rechargez la page.
chat-new = Nouvelle discussion
chat-language = Langue

## Starting a conversation

chat-start-heading = Démarrer une conversation
chat-start-intro = Dites-nous qui vous êtes : quelqu'un de notre équipe vous répondra ici même.
chat-name = Nom
chat-email = E-mail
chat-start = Démarrer la discussion
chat-name-missing = Veuillez saisir votre nom.
chat-email-missing = Veuillez saisir votre adresse e-mail.
chat-email-invalid = Veuillez saisir une adresse e-mail valide, comme nom@exemple.fr.
chat-name-invalid = Veuillez vérifier votre nom.

## The conversation

chat-conversation = Conversation
chat-history =
    .aria-label = Historique de la conversation
chat-messages =
    .aria-label = Messages
chat-waiting = Merci ! Un conseiller va vous répondre dans un instant.
chat-ended = Le conseiller a terminé cette conversation.
chat-you = Vous
chat-agent = Conseiller
chat-typing = { $name } est en train d'écrire…
chat-typing-agent = Le conseiller est en train d'écrire…
chat-sending = Envoi…
chat-retrying = Pas encore envoyé. Nouvel essai…
chat-jump = Nouveaux messages
chat-write-again = Écrivez de nouveau pour démarrer une nouvelle conversation.
chat-reconnecting = Reconnexion…

## The message box

chat-message = Message
chat-message-box =
    .placeholder = Écrivez votre message…
chat-send = Envoyer
chat-attach =
    .aria-label = Joindre des fichiers
    .title = Joindre des fichiers
chat-composer-help = Entrée pour envoyer, Maj+Entrée pour aller à la ligne. Vous pouvez joindre, déposer ou coller des fichiers.
chat-count = { $count } / { $max } caractères
chat-drop = Déposez les fichiers pour les envoyer

## Files

chat-file =
    .aria-label = Télécharger { $name }, { $size }
chat-size-bytes = { $n ->
    [one] { $n } octet
   *[other] { $n } octets
}
chat-size-kb = { $n } Ko
chat-size-mb = { $n } Mo
chat-file-sending = Envoi de { $name }…
chat-file-retrying = { $name } : pas encore envoyé. Nouvel essai…
chat-file-empty = { $name } est vide.
chat-file-too-large = { $name } est trop volumineux : un fichier peut faire au plus { $max } Mo.
chat-file-failed = { $name } : { $reason }
chat-download-failed = Impossible de télécharger { $name }.
chat-open-failed = Impossible d'ouvrir { $name }.
chat-download = Télécharger
chat-close = Fermer

## The rating when the conversation has ended

chat-survey-question = Comment nous sommes-nous débrouillés ?
chat-survey-stars = { $stars ->
    [one] { $stars } étoile
   *[other] { $stars } étoiles
}
chat-survey-comment = Autre chose à ajouter ? (facultatif)
chat-survey-send = Envoyer la note
chat-survey-thanks = Merci pour votre avis !
chat-survey-thanks-already = Merci, votre note était déjà enregistrée.

## Errors

chat-error = Un problème est survenu. Veuillez réessayer.
chat-error-network = Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.
chat-error-load = Impossible de charger votre conversation. Nous continuons d'essayer de nous reconnecter.
chat-error-session-gone = Votre session de discussion a expiré. Veuillez démarrer une nouvelle discussion.
chat-error-rate-limited = Trop de tentatives. Patientez un instant, puis réessayez.
chat-error-server = Un problème est survenu de notre côté. Réessayez dans un instant.
chat-error-status = Un problème est survenu (erreur { $status }). Veuillez réessayer.
chat-error-bad-response = Réponse inattendue du serveur. Veuillez réessayer.
chat-error-message-too-long = Votre message est trop long : un message peut faire au plus { $max } caractères.
chat-error-too-large = C'est trop volumineux pour être envoyé.
chat-error-ended = Cette discussion est terminée.
chat-error-invalid = Veuillez vérifier ce que vous avez saisi, puis réessayer.
