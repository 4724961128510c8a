## Les mots de tous les écrans

common-cancel = Annuler
common-close = Fermer
common-save = Enregistrer
common-send = Envoyer
common-delete = Supprimer
common-ok = OK
common-retry = Réessayer
