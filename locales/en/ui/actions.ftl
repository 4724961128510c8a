## The « Actions » menu of a conversation the agent occupies

actions-menu = Actions
actions-free = Free conversation
actions-transfer = Transfer to…
actions-spam = Spam
actions-end = End conversation

## Snoozing notifications, at the foot of the sidebar

snooze-open = Snooze notifications
snooze-half-hour = For 30 minutes
snooze-hour = For 1 hour
snooze-tomorrow = Until tomorrow morning
# $when: "14:30", "tomorrow 08:00" or a date and time.
snooze-until = Notifications snoozed until { $when }
snooze-resume = Resume
snooze-dnd = Do Not Disturb is on (Settings)

## The keyboard shortcuts overlay (?)

help-title = Keyboard shortcuts
# Between two keys that do the same thing.
help-or = or
help-typing = Single keys do nothing while you type in a text field.

## What each shortcut does, in the overlay (the keys are shown as they are)

shortcut-next = Next conversation
shortcut-previous = Previous conversation
shortcut-take = Take the conversation
shortcut-take-next = Take next: the customer who has waited longest
shortcut-free = Free conversation
shortcut-end = End conversation (opens the questionnaire)
shortcut-spam = Spam (asks to confirm)
shortcut-transfer = Transfer to a colleague
shortcut-reopen = Reopen an archived conversation
shortcut-composer = Write a reply
shortcut-search = Search all conversations
shortcut-report = Chat report (again: back to conversations)
shortcut-team = Team: who is available, their load, blocked customers (supervisors)
shortcut-settings = Settings
shortcut-help = Keyboard shortcuts
shortcut-send = Send the reply (in the composer)
shortcut-new-line = New line (in the composer)
shortcut-close = Close a dialog, menu or this overlay; clear the search
