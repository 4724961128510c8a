# The desktop app's own words outside its window: the tray, notifications,
# the file chooser. Variables: $name a customer's or agent's name (as given),
# $count a number, $time and $when already formatted.

# The language's own name, for the language menu.
language-name = English
# The locale chrono formats dates with (weekday and month names).
chrono-locale = en_US

## The tray

tray-waiting =
    { $count ->
        [0] Switchboard: nobody waiting
        [one] Switchboard: { $count } customer waiting
       *[other] Switchboard: { $count } customers waiting
    }
tray-notifications-on = Notifications on
tray-snooze-half-hour = Snooze for 30 minutes
tray-snooze-hour = Snooze for 1 hour
tray-snooze-tomorrow = Snooze until tomorrow morning
tray-resume = Resume notifications
tray-available = Available
tray-open = Open Switchboard
tray-quit = Quit

## Quiet notifications, in the tray and the settings

quiet-dnd = Do Not Disturb is on
quiet-snoozed = Notifications snoozed until { $when }
# $time is "14:30".
quiet-tomorrow = tomorrow { $time }
# chrono's format for a day further on: weekday, day, month, time.
quiet-later-format = %a %-d %b %H:%M

## Notifications

notify-not-assigned = { $name } · not assigned
notify-transferred-title = { $name } · transferred to you
notify-transferred-body = Transferred to you by { $name }
notify-returned-title = { $name } · returned to the queue
notify-returned-body = No answer from you in time. Waiting: { $waiting }
notify-open = Open conversation

## The file chooser

chooser-title = Attach files
chooser-accept = Attach
chooser-cancel = Cancel

## The app's own refusals (the window shows them after "Check what you
## entered:"). $name: a file's name; $scheme: a link's kind (mailto, ftp).

engine-write-first = write a message first
engine-note-too-long = this note has { $count } characters; the limit is { $max }
engine-message-too-long = this message has { $count } characters; the limit is { $max }
engine-transfer-self = pick a colleague: this conversation is already yours
engine-file-empty = { $name } is empty
engine-not-a-file = { $name } is not a file
engine-not-an-image = this attachment is not an image: save it instead
engine-not-a-link = not a link
engine-link-kind = links of the kind { $scheme }: are not opened
engine-reminder-range = the reminder interval is at most a day
engine-idle-range = away when idle: from a second to a day
engine-file-cache-range = files kept for offline viewing: from { $min } to { $max } MB
engine-archive-months-range = archive kept offline: from 1 to { $max } months, or all
