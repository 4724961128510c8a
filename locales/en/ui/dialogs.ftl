## « End conversation »: the questionnaire before a conversation is closed

end-title = End conversation
end-intro = A short questionnaire about your conversation with { $name }.
end-subject = Subject
end-subjects-loading = Loading subjects…
end-subject-choose = Choose a subject
end-mood = Customer mood
end-mood-choose = Choose a mood
# The last choice of both the subject and the mood.
end-dont-know = I don't know

## « Spam »: the confirmation before a customer is reported

spam-title = Spam
spam-question = Report { $name } as spam? The customer is blocked and their conversations leave every list.
spam-confirm = Report as Spam

## « Transfer to… »: choosing the colleague who takes over

transfer-title = Transfer to a colleague
transfer-question = Who should take over the conversation with { $name }?
transfer-loading = Loading your colleagues…
transfer-load-failed = The team could not be read: { $error }
transfer-nobody = There is nobody else on the team yet.
# The list of colleagues (read by screen readers).
transfer-colleague = Colleague
transfer-offline = Offline
transfer-away = Away
transfer-available = Available
# How many conversations a colleague has (no limit set).
transfer-load = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
# How many conversations a colleague has, of the most they take.
transfer-load-of = { $load } of { $capacity } conversations
transfer-load-full = { $load } of { $capacity } conversations (full)
# A supervisor chose a colleague who cannot take it.
transfer-override-offline = { $name } is offline: as a supervisor you can transfer anyway.
transfer-override-away = { $name } is away: as a supervisor you can transfer anyway.
transfer-override-full = { $name } is at capacity: as a supervisor you can transfer anyway.
transfer-note = Note for them (optional)
transfer-note-too-long = The note has { $count ->
    [one] { $count } character
   *[other] { $count } characters
}; the limit is { $max }.
transfer-sending = Transferring…
transfer-confirm = Transfer

## « Erase customer… »: the confirmation before a customer's data is erased

erase-title = Erase customer
erase-question = Erase { $name }? Their name, email and phone number, and everything written in their conversations (messages, notes, files, surveys and texts) are deleted from the server and from every agent's app.
erase-keeps = The conversations stay, empty, so the reports still count them. This cannot be undone.
erase-confirm = Erase customer

## The blocked customers screen (supervisors, in Team)

blocked-title = Blocked customers
blocked-loading = Loading…
blocked-none = Nobody is blocked.
# $when: a date and time.
blocked-at = Blocked { $when }
blocked-at-by = Blocked { $when } by { $name }
blocked-unblock = Unblock
blocked-unblocking = Unblocking…
blocked-wrote = Wrote while blocked:
blocked-wrote-nothing = Wrote nothing since.
# A customer who could not be unblocked, and why.
blocked-error = { $name }: { $error }
