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
