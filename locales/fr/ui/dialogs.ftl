## « Terminer la conversation » : le questionnaire avant de clôturer une conversation

end-title = Terminer la conversation
end-intro = Un court questionnaire sur votre conversation avec { $name }.
end-subject = Sujet
end-subjects-loading = Chargement des sujets…
end-subject-choose = Choisissez un sujet
end-mood = Humeur du client
end-mood-choose = Choisissez une humeur
# Le dernier choix, pour le sujet comme pour l'humeur.
end-dont-know = Je ne sais pas

## « Spam » : la confirmation avant de signaler un client

spam-title = Spam
spam-question = Signaler { $name } comme spam ? Le client est bloqué et ses conversations disparaissent de toutes les listes.
spam-confirm = Signaler comme spam

## « Transférer à… » : le choix du collègue qui prend le relais

transfer-title = Transférer à un collègue
transfer-question = Qui doit prendre le relais de la conversation avec { $name } ?
transfer-loading = Chargement de vos collègues…
transfer-load-failed = Impossible de lire l'équipe : { $error }
transfer-nobody = Il n'y a encore personne d'autre dans l'équipe.
# La liste des collègues (lue par les lecteurs d'écran).
transfer-colleague = Collègue
transfer-offline = Hors ligne
transfer-away = Absent
transfer-available = Disponible
# Le nombre de conversations d'un collègue (sans limite).
transfer-load = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
# Le nombre de conversations d'un collègue, sur le maximum qu'il accepte.
transfer-load-of = { $load ->
    [one] { $load } conversation
   *[other] { $load } conversations
} sur { $capacity }
transfer-load-full = { $load ->
    [one] { $load } conversation
   *[other] { $load } conversations
} sur { $capacity } (complet)
# Un superviseur a choisi un collègue qui ne peut pas la prendre.
transfer-override-offline = { $name } est hors ligne : en tant que superviseur, vous pouvez transférer quand même.
transfer-override-away = { $name } est en statut « Absent » : en tant que superviseur, vous pouvez transférer quand même.
transfer-override-full = { $name } a atteint son maximum de conversations : en tant que superviseur, vous pouvez transférer quand même.
transfer-note = Note pour votre collègue (facultative)
transfer-note-too-long = La note fait { $count ->
    [one] { $count } caractère
   *[other] { $count } caractères
} ; la limite est de { $max }.
transfer-sending = Transfert…
transfer-confirm = Transférer

## « Effacer le client… » : la confirmation avant d'effacer les données d'un client

erase-title = Effacer le client
erase-question = Effacer { $name } ? Son nom, son e-mail et son numéro de téléphone, ainsi que tout ce qui a été écrit dans ses conversations (messages, notes, fichiers, questionnaires et SMS), sont supprimés du serveur et de l'application de chaque agent.
erase-keeps = Les conversations restent, vides, pour que les rapports les comptent toujours. Cette action est irréversible.
erase-confirm = Effacer le client

## L'écran des clients bloqués (superviseurs, dans Équipe)

blocked-title = Clients bloqués
blocked-loading = Chargement…
blocked-none = Personne n'est bloqué.
# $when : une date et une heure.
blocked-at = Bloqué le { $when }
blocked-at-by = Bloqué le { $when } par { $name }
blocked-unblock = Débloquer
blocked-unblocking = Déblocage…
blocked-wrote = A écrit pendant le blocage :
blocked-wrote-nothing = N'a rien écrit depuis.
# Un client qui n'a pas pu être débloqué, et pourquoi.
blocked-error = { $name } : { $error }
