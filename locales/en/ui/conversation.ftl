## The conversation pane

conv-loading = Loading…
conv-choose = Choose a conversation on the left.
# $key is drawn as a key: "?".
conv-help-hint = Press { $key } for keyboard shortcuts.
# Files dragged over the conversation.
conv-drop = Drop files to send them to the customer
conv-drop-take = Take the conversation to send files
# Files dropped on a conversation the agent has not taken.
conv-files-take-first = Take the conversation to send files to the customer.
conv-gone = This conversation is no longer in your lists.
conv-typing = { $name } is typing…
# The full-size image's button.
conv-save-to-downloads = Save to Downloads
conv-earlier = Earlier conversation
# The customer's language on the chat page, a small label in the header; said
# by screen readers and shown on hover. $language is its name ("French").
conv-language = Customer's language: { $language }
conv-take = Take
conv-reopen = Reopen
conv-erase = Erase customer…

## Messages

# An agent message without the agent's name.
conv-agent = Agent
conv-internal-note = Internal note
conv-files = Files
# A file's button, for screen readers; $size is formatted ("1.2 MB").
conv-save-file = Save { $name }, { $size }, to Downloads
# Under the agents' newest message, once the customer's page showed it.
conv-seen = Seen
conv-history = Conversation history
conv-no-messages = No messages yet.
# A file waiting in the outbox.
conv-outbox-file = File: { $name } ({ $size })
# $reason: the server's or the app's words.
conv-not-sent = Not sent: { $reason }
conv-sending = Sending…
conv-waiting = Waiting for connection
conv-file-saved = Saved { $name } to { $path }
# A file that could not be sent or saved, and why.
conv-file-error = { $name }: { $reason }

## How an archived conversation ended

conv-closure = How this conversation ended
conv-closed = Closed
# After "Closed": $when is a date and time ("12 Mar 2026, 14:05"), $name the agent's.
conv-closed-when = { $when } by { $name }
conv-subject = Subject
conv-mood = Customer mood
conv-rating = Customer rating
conv-stars = { $stars } out of 5
conv-no-rating = No rating yet

## Actions still queued, or refused, over the conversation

notice-action-reply = Reply
notice-action-note = Note
notice-action-take = Take
notice-action-free = Free conversation
notice-action-end = End conversation
notice-action-reopen = Reopen
notice-action-spam = Report as Spam
notice-action-transfer = Transfer
notice-action-attach = File
notice-sending = { $action }: Sending…
notice-waiting = { $action }: Waiting for connection
notice-not-done = ({ $action } was not done)
notice-dismiss = Dismiss
