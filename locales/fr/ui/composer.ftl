## La zone de saisie : la réponse ou la note interne sous une conversation

composer-kind = Rédiger
composer-reply = Réponse
composer-note = Note interne
# Affiché à la place du choix Réponse / Note interne quand seules les notes sont possibles.
composer-note-only = Note interne : seule votre équipe la voit.
composer-attach = Joindre des fichiers
composer-attach-tip = Joindre des fichiers (ou les coller, ou les déposer ici)
# Le libellé de la zone de texte (lu par les lecteurs d'écran).
composer-label-reply = Répondre à { $name }
composer-label-note = Note interne sur la conversation avec { $name }
# Le texte indicatif de la zone de texte ; les « canned » quand l'équipe a des réponses types.
composer-placeholder-reply = Rédigez une réponse. Enter l'envoie, Shift+Enter passe à la ligne.
composer-placeholder-reply-canned = Rédigez une réponse. Enter l'envoie, Shift+Enter passe à la ligne, / insère une réponse type.
composer-placeholder-note = Rédigez une note pour votre équipe ; le client ne la voit jamais. Enter l'ajoute, Shift+Enter passe à la ligne.
composer-placeholder-note-canned = Rédigez une note pour votre équipe ; le client ne la voit jamais. Enter l'ajoute, Shift+Enter passe à la ligne, / insère une réponse type.
composer-add-note = Ajouter la note
# Des fichiers collés pendant la rédaction d'une note.
composer-files-in-note = Les fichiers sont envoyés au client : passez à « Réponse » pour en envoyer un.

## La liste des réponses types que `/` ouvre dans la zone de saisie

composer-picker = Réponses types
composer-picker-hint = ↑ ↓ pour choisir, Enter ou Tab pour l'insérer et la modifier, Esc pour fermer
composer-picker-none = Aucune réponse type ne correspond à /{ $query }. Esc pour fermer.

## L'écran des réponses types (superviseurs, dans Équipe)

canned-title = Réponses types
canned-new = Nouvelle réponse type
canned-change = Modifier la réponse type
# $key est « / », $customer et $agent les champs « {customer.name} » et « {agent.name} » (affichés comme du code).
canned-help = Les agents tapent { $key } dans la zone de réponse pour en insérer une et la modifier. Dans le texte, { $customer } et { $agent } sont remplacés automatiquement.
canned-field-title = Titre
canned-field-shortcut = Raccourci
canned-shortcut-hint = Lettres, chiffres, - et _
canned-field-text = Texte
canned-saving = Enregistrement…
canned-none = Aucune réponse type pour l'instant.
canned-edit = Modifier
canned-confirm-delete = Supprimer /{ $shortcut }
canned-keep = Conserver
# Une réponse type qui n'a pas pu être insérée, enregistrée ou supprimée : son raccourci et la raison.
canned-error = /{ $shortcut } : { $error }
