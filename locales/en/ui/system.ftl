## System lines in a conversation's history. $name: the agent who did it.

sys-taken = Taken by { $name }
sys-freed = Freed by { $name }
sys-ended = Ended by { $name }
sys-reopened = Reopened by { $name }
sys-reported-spam = Reported as spam by { $name }
sys-transferred = Transferred by { $name } to { $to }
sys-transferred-note = Transferred by { $name } to { $to }. Note: { $note }
# $wait: "10 min", "45 s".
sys-returned-unanswered = Returned to the queue: no answer from { $from } for { $wait }
sys-returned-removed = Returned to the queue: { $from } was removed from the team
# $reason: the SMS provider's words, as it said them.
sys-text-failed = { $text ->
    [reply] A reply
    [survey] The survey question
    [clarification] The survey's clarification
   *[thanks] The thank-you for the rating
} could not be texted to { $to }: { $reason }. It was not delivered.
sys-texted-stop = The customer texted STOP: no texts reach them until they text START.
sys-texted-start = The customer texted START: texts reach them again.
