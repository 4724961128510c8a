## La fenêtre des paramètres

settings-title = Paramètres
settings-loading = Chargement…
settings-sign-out = Se déconnecter

settings-reminder = Me rappeler qu'un client attend
settings-reminder-off = Jamais
settings-reminder-every = { $count ->
    [one] Toutes les minutes
   *[other] Toutes les { $count } minutes
}

# Les réglages oui/non ; les notes s'affichent à côté, en gris.
settings-dnd = Ne pas déranger
settings-dnd-note = (aucune notification sur le bureau jusqu'à ce que je le désactive)
settings-sound = Émettre un son quand un client se met à attendre
settings-attention = Faire clignoter la barre des tâches quand un client se met à attendre
settings-attention-note = (quand la fenêtre est en arrière-plan)
settings-start-at-login = Lancer Switchboard à l'ouverture de ma session
settings-start-at-login-note = (dans la zone de notification)
settings-close-to-tray = Rester dans la zone de notification quand la fenêtre est fermée

# Suivi d'un choix de durées : « 5 minutes », « Jamais ».
settings-away-when-idle = Me passer en absent quand l'ordinateur n'a pas été utilisé depuis
settings-away-never = Jamais
settings-away-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
# Une durée réglée hors de l'application, qui n'est pas un nombre entier de minutes.
settings-away-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
settings-away-note = De nouveau disponible à la première touche ou au premier mouvement de la souris. Absent, vous n'êtes averti que de vos propres conversations.

# Suivi d'un choix de tailles : « 500 Mo », « 1 Go ».
settings-file-cache = Garder les fichiers consultables hors ligne, jusqu'à
settings-file-cache-mb = { $size } Mo
settings-file-cache-gb = { $size } Go
settings-file-cache-note = Les fichiers des conversations les plus récentes d'abord ; les moins récemment consultés laissent la place.

# Suivi d'un choix : « Toutes », « Pendant 6 mois », « Pendant 1 an ».
settings-archive = Garder les conversations terminées sur cet ordinateur
settings-archive-all = Toutes
settings-archive-months = { $count ->
    [one] Pendant { $count } mois
   *[other] Pendant { $count } mois
}
settings-archive-years = { $count ->
    [one] Pendant { $count } an
   *[other] Pendant { $count } ans
}
settings-archive-note = Les plus anciennes restent sur le serveur ; la recherche hors ligne ne trouve que celles gardées ici.

# Où est gardée la clé du cache hors ligne : la première phrase, puis l'une des deux autres.
settings-cache-key-encrypted = Les conversations gardées sur cet ordinateur pour un usage hors ligne sont chiffrées.
settings-cache-key-keychain = Leur clé est dans le trousseau du système.
settings-cache-key-file = Cet ordinateur n'a pas de trousseau que Switchboard puisse utiliser : leur clé est donc dans un fichier à côté d'elles, que seul votre compte peut lire.

## La langue

settings-language = Langue
settings-language-system = Celle du système ({ $name })
