## Les lignes système de l'historique d'une conversation. $name : l'agent qui l'a fait.

sys-taken = Prise par { $name }
sys-freed = Libérée par { $name }
sys-ended = Terminée par { $name }
sys-reopened = Rouverte par { $name }
sys-reported-spam = Signalée comme spam par { $name }
sys-transferred = Transférée par { $name } à { $to }
sys-transferred-note = Transférée par { $name } à { $to }. Note : { $note }
sys-returned-unanswered = Remise dans la file : pas de réponse de { $from } depuis { $wait }
sys-returned-removed = Remise dans la file : { $from } a été retiré(e) de l'équipe
sys-text-failed = { $text ->
    [reply] Une réponse n'a pas pu être envoyée par SMS au { $to } : { $reason }. Elle n'a pas été remise.
    [survey] La question de l'enquête n'a pas pu être envoyée par SMS au { $to } : { $reason }. Elle n'a pas été remise.
    [clarification] La précision de l'enquête n'a pas pu être envoyée par SMS au { $to } : { $reason }. Elle n'a pas été remise.
   *[thanks] Le remerciement pour la note n'a pas pu être envoyé par SMS au { $to } : { $reason }. Il n'a pas été remis.
}
sys-texted-stop = Le client a envoyé STOP par SMS : plus aucun SMS ne lui parvient tant qu'il n'envoie pas START.
sys-texted-start = Le client a envoyé START par SMS : les SMS lui parviennent de nouveau.
