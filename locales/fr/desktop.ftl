# Les mots de l'application hors de sa fenêtre : la zone de notification, les
# notifications, le sélecteur de fichiers.

language-name = Français
chrono-locale = fr_FR

## La zone de notification

tray-waiting =
    { $count ->
        [0] Switchboard : personne n'attend
        [one] Switchboard : { $count } client attend
       *[other] Switchboard : { $count } clients attendent
    }
tray-notifications-on = Notifications activées
tray-snooze-half-hour = Suspendre 30 minutes
tray-snooze-hour = Suspendre 1 heure
tray-snooze-tomorrow = Suspendre jusqu'à demain matin
tray-resume = Reprendre les notifications
tray-available = Disponible
tray-open = Ouvrir Switchboard
tray-quit = Quitter

## Notifications en pause

quiet-dnd = Ne pas déranger est activé
quiet-snoozed = Notifications suspendues jusqu'à { $when }
quiet-tomorrow = demain { $time }
quiet-later-format = %a %-d %b %H:%M

## Notifications

notify-not-assigned = { $name } · non assignée
notify-transferred-title = { $name } · vous a été transférée
notify-transferred-body = Transférée par { $name }
notify-returned-title = { $name } · remise dans la file
notify-returned-body = Pas de réponse de votre part à temps. En attente : { $waiting }
notify-open = Ouvrir la conversation

## Le sélecteur de fichiers

chooser-title = Joindre des fichiers
chooser-accept = Joindre
chooser-cancel = Annuler

## The app's own refusals (the window shows them after "Check what you
## entered:"). $name: a file's name; $scheme: a link's kind (mailto, ftp).

engine-write-first = écrivez d'abord un message
engine-note-too-long = cette note fait { $count } caractères ; la limite est de { $max }
engine-message-too-long = ce message fait { $count } caractères ; la limite est de { $max }
engine-transfer-self = choisissez un collègue : cette conversation est déjà la vôtre
engine-file-empty = { $name } est vide
engine-not-a-file = { $name } n'est pas un fichier
engine-not-an-image = cette pièce jointe n'est pas une image : enregistrez-la plutôt
engine-not-a-link = ce n'est pas un lien
engine-link-kind = les liens de type { $scheme }: ne sont pas ouverts
engine-reminder-range = l'intervalle de rappel est d'au plus un jour
engine-idle-range = absent après inactivité : d'une seconde à un jour
engine-file-cache-range = fichiers gardés pour consultation hors ligne : de { $min } à { $max } Mo
engine-archive-months-range = archive gardée hors ligne : de 1 à { $max } mois, ou toute l'archive
