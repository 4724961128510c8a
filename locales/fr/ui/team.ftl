## L'écran de l'équipe (superviseurs)

team-title = Équipe
team-back = Retour aux conversations
# $error dit pourquoi.
team-error = Impossible de lire l'équipe : { $error }
# $queue est le nombre de clients qui attendent (en gras ; $count choisit les mots).
team-queue = { $count ->
    [one] File d'attente : { $queue } client en attente
   *[other] File d'attente : { $queue } clients en attente
}
# La même, avec l'attente du premier de la file ($wait : « 3 min », en gras).
team-queue-longest = { $count ->
    [one] File d'attente : { $queue } client en attente, depuis { $wait }
   *[other] File d'attente : { $queue } clients en attente, le plus ancien depuis { $wait }
}

## Le tableau des agents
team-col-agent = Agent
team-col-status = Statut
team-col-load = Charge
team-col-capacity = Capacité
team-col-wait = Attente la plus longue
team-col-conversations = Conversations
team-available = Disponible
team-away = Absent
# Un agent dont l'application n'est pas connectée ; $status vaut Disponible ou Absent.
team-offline = { $status } · hors ligne
# Les conversations tenues face à la capacité de l'agent : « 2 sur 3 ».
team-load-of = { $load } sur { $capacity }
# Le champ de capacité, vide.
team-no-limit = sans limite
team-capacity-of = Capacité de { $name }
team-capacity-invalid = { $name } : la capacité est un nombre entier de 1 à 1000, ou vide pour ne pas en fixer
# $error dit pourquoi la capacité n'a pas été enregistrée.
team-capacity-failed = { $name } : { $error }
team-free = Libérer
team-transfer = Transférer…
team-loading = Chargement de l'équipe…
