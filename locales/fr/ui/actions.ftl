## Le menu « Actions » d'une conversation que l'agent occupe

actions-menu = Actions
actions-free = Libérer la conversation
actions-transfer = Transférer à…
actions-spam = Spam
actions-end = Terminer la conversation

## Suspendre les notifications, en bas de la barre latérale

snooze-open = Suspendre les notifications
snooze-half-hour = Pendant 30 minutes
snooze-hour = Pendant 1 heure
snooze-tomorrow = Jusqu'à demain matin
# $when : « 14:30 », « demain 08:00 » ou une date et une heure.
snooze-until = Notifications suspendues jusqu'à { $when }
snooze-resume = Reprendre
snooze-dnd = « Ne pas déranger » est activé (Paramètres)

## L'aide des raccourcis clavier (?)

help-title = Raccourcis clavier
# Entre deux touches qui font la même chose.
help-or = ou
help-typing = Les touches seules sont sans effet pendant la saisie dans un champ de texte.

## Ce que fait chaque raccourci, dans l'aide (les touches restent telles quelles)

shortcut-next = Conversation suivante
shortcut-previous = Conversation précédente
shortcut-take = Prendre la conversation
shortcut-take-next = Prendre la suivante : le client qui attend depuis le plus longtemps
shortcut-free = Libérer la conversation
shortcut-end = Terminer la conversation (ouvre le questionnaire)
shortcut-spam = Spam (demande confirmation)
shortcut-transfer = Transférer à un collègue
shortcut-reopen = Rouvrir une conversation archivée
shortcut-composer = Rédiger une réponse
shortcut-search = Rechercher dans toutes les conversations
shortcut-report = Rapport des conversations (une seconde fois : retour aux conversations)
shortcut-team = Équipe : qui est disponible, la charge de chacun, les clients bloqués (superviseurs)
shortcut-settings = Paramètres
shortcut-help = Raccourcis clavier
shortcut-send = Envoyer la réponse (dans la zone de saisie)
shortcut-new-line = Nouvelle ligne (dans la zone de saisie)
shortcut-close = Fermer une boîte de dialogue, un menu ou cette aide ; effacer la recherche
