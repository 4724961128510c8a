## La barre latérale : les listes de conversations, leurs lignes, la recherche
## et les bandeaux au-dessus de la conversation (connexion, éléments mis de côté)

list-nav = Conversations
list-mine = Mes conversations
list-queue = Conversations non assignées
list-others = Conversations des autres
list-archive = Archivées
# Après le nombre d'une liste, pour les lecteurs d'écran seulement (« 3 conversations »).
list-count = { $count ->
    [one] conversation
   *[other] conversations
}
# Une liste vide.
list-empty = Aucune
# Une ligne de la liste encore en cours de récupération.
list-loading = Chargement…
list-take-next = Prendre la suivante
# Sous « Archivées » pendant le téléchargement ; nombres déjà formatés.
list-backfill = Téléchargement des archives : { $fetched } sur { $total }
list-availability = Votre disponibilité
list-available = Disponible
list-away = Absent
list-open-report = Rapport de chat
list-open-team = Équipe
list-open-settings = Paramètres
list-open-help = Raccourcis clavier

## Une ligne de liste

list-row-closed = Clôturée
# Aucun message du client n'attend de réponse.
list-row-up-to-date = Conversation à jour

## Recherche

search-label = Rechercher dans toutes les conversations : noms, e-mails et messages
search-placeholder = Rechercher dans toutes les conversations  ( / )
search-results = Résultats de la recherche
search-pending = Recherche…
search-none = Aucune conversation ne correspond.
search-count = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
# La liste où se trouve un résultat (étiquette d'une conversation).
search-list-mine = À moi
search-list-queue = Non assignée
search-list-taken = Prise
search-list-taken-by = Prise par { $name }
search-list-archive = Archivée
# $when : une date et une heure (« 12 mars 2026, 14:05 »).
search-closed = Clôturée le { $when }
# Combien de messages de la conversation correspondent.
search-matches = { $count ->
    [one] { $count } correspondance
   *[other] { $count } correspondances
}

## La fenêtre avant les listes, et les bandeaux au-dessus de la conversation

banner-starting = Démarrage…
# Sur l'écran de connexion, quand le serveur a mis fin à la session.
banner-session-ended = Votre session a pris fin ; reconnectez-vous
banner-offline = Vous êtes hors ligne — affichage des conversations enregistrées. Les réponses seront envoyées au retour de la connexion.
banner-resyncing = Mise à jour depuis le serveur…
# Des éléments du cache hors ligne que cette version n'a pas pu lire.
banner-set-aside = { $count ->
    [one] Un élément enregistré n'a pas pu être lu par cette version de Switchboard. Il a été mis de côté dans le fichier de cache pour un rapport de bug, et les conversations sont à nouveau récupérées depuis le serveur.
   *[other] { $count } éléments enregistrés n'ont pas pu être lus par cette version de Switchboard. Ils ont été mis de côté dans le fichier de cache pour un rapport de bug, et les conversations sont à nouveau récupérées depuis le serveur.
}
