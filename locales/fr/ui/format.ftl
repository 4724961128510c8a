## Heures, durées, tailles et noms que plusieurs écrans affichent (ui/src/lib/format.ts)

# Fin d'une suspension le lendemain ; $time est l'heure (« 08:00 »).
format-tomorrow-at = demain à { $time }
# Heure d'une ligne de liste, pour un message de la dernière minute.
format-now = à l'instant
# Une attente ou un âge en unités entières, abrégé : « 5 min », « 2 h », « 3 j », « 45 s ».
format-minutes = { $count } min
format-hours = { $count } h
format-days = { $count } j
format-seconds = { $count } s
format-hours-minutes = { $hours } h { $minutes } min
format-days-hours = { $days } j { $hours } h
format-minutes-seconds = { $minutes } min { $seconds } s
format-under-a-minute = moins d'une minute
# L'attente d'un client dans une ligne de liste ; $time vaut « 3 min », « 1 h 5 min », « moins d'une minute ».
format-waiting = en attente depuis { $time }

## D'où vient la conversation
format-channel-sms = SMS
format-channel-web = Chat web

## Où en est la conversation, du point de vue de l'agent
format-state-not-assigned = Non assignée
format-state-occupied-by-you = Occupée par vous
# $name est le collègue qui la tient.
format-state-occupied-by = Occupée par { $name }
format-state-occupied-by-someone = Occupée par un autre agent
format-state-closed = Clôturée
format-state-spam = Signalée comme spam

## L'humeur du client, telle que l'agent l'a vue à la fin
format-mood-happy = Content
format-mood-neutral = Neutre
format-mood-unhappy = Mécontent
format-mood-angry = En colère
# Une humeur ou un sujet que l'agent ne connaissait pas.
format-dont-know = Je ne sais pas

## La taille d'un fichier
format-bytes = { $count ->
    [one] { $count } octet
   *[other] { $count } octets
}
format-kilobytes = { $count } Ko
format-megabytes = { $count } Mo
