## Le volet de la conversation

conv-loading = Chargement…
conv-choose = Choisissez une conversation à gauche.
# $key est affiché comme une touche : « ? ».
conv-help-hint = Appuyez sur { $key } pour afficher les raccourcis clavier.
# Des fichiers glissés sur la conversation.
conv-drop = Déposez des fichiers pour les envoyer au client
conv-drop-take = Prenez la conversation pour envoyer des fichiers
# Des fichiers déposés sur une conversation que l'agent n'a pas prise.
conv-files-take-first = Prenez la conversation pour envoyer des fichiers au client.
conv-gone = Cette conversation ne figure plus dans vos listes.
conv-typing = { $name } est en train d'écrire…
# Le bouton de l'image en grand.
conv-save-to-downloads = Enregistrer dans Téléchargements
conv-earlier = Conversation précédente
# La langue du client sur la page de discussion, une petite étiquette dans
# l'en-tête, lue par les lecteurs d'écran et montrée au survol. $language est
# son nom (« français »).
conv-language = Langue du client : { $language }
conv-take = Prendre
conv-reopen = Rouvrir
conv-erase = Effacer le client…

## Les messages

# Un message d'agent sans le nom de l'agent.
conv-agent = Agent
conv-internal-note = Note interne
conv-files = Fichiers
# Le bouton d'un fichier, pour les lecteurs d'écran ; $size est formaté (« 1,2 Mo »).
conv-save-file = Enregistrer { $name } ({ $size }) dans Téléchargements
# Sous le dernier message des agents, une fois affiché sur la page du client.
conv-seen = Vu
conv-history = Historique de la conversation
conv-no-messages = Aucun message pour l'instant.
# Un fichier en attente d'envoi.
conv-outbox-file = Fichier : { $name } ({ $size })
# $reason : les mots du serveur ou de l'application.
conv-not-sent = Non envoyé : { $reason }
conv-sending = Envoi…
conv-waiting = En attente de connexion
conv-file-saved = { $name } enregistré dans { $path }
# Un fichier qui n'a pas pu être envoyé ou enregistré, et pourquoi.
conv-file-error = { $name } : { $reason }

## Comment une conversation archivée s'est terminée

conv-closure = Clôture de la conversation
conv-closed = Clôturée
# Après « Clôturée » : $when est une date et une heure (« 12 mars 2026, 14:05 »), $name le nom de l'agent.
conv-closed-when = le { $when } par { $name }
conv-subject = Sujet
conv-mood = Humeur du client
conv-rating = Évaluation du client
conv-stars = { $stars } sur 5
conv-no-rating = Pas encore d'évaluation

## Les actions encore en attente, ou refusées, au-dessus de la conversation

notice-action-reply = Réponse
notice-action-note = Note
notice-action-take = Prendre
notice-action-free = Libérer la conversation
notice-action-end = Terminer la conversation
notice-action-reopen = Rouvrir
notice-action-spam = Signaler comme spam
notice-action-transfer = Transférer
notice-action-attach = Fichier
notice-sending = { $action } : envoi…
notice-waiting = { $action } : en attente de connexion
notice-not-done = (action « { $action } » non effectuée)
notice-dismiss = Masquer
