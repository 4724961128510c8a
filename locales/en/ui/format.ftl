## Times, durations, sizes and names that many screens show (ui/src/lib/format.ts)

# When a snooze ends, on the next day; $time is the clock time ("08:00").
format-tomorrow-at = tomorrow { $time }
# A list row's time, for a message of the last minute.
format-now = now
# A wait or an age in whole units, short: "5 min", "2 h", "3 d", "45 s".
format-minutes = { $count } min
format-hours = { $count } h
format-days = { $count } d
format-seconds = { $count } s
format-hours-minutes = { $hours } h { $minutes } min
format-days-hours = { $days } d { $hours } h
format-minutes-seconds = { $minutes } min { $seconds } s
format-under-a-minute = under a minute
# A customer's wait in a list row; $time is "3 min", "1 h 5 min", "under a minute".
format-waiting = waiting { $time }

## Where a conversation comes from
format-channel-sms = Text messages
format-channel-web = Web chat

## Where a conversation stands, from the agent's point of view
format-state-not-assigned = Not assigned
format-state-occupied-by-you = Occupied by you
# $name is the colleague who holds it.
format-state-occupied-by = Occupied by { $name }
format-state-occupied-by-someone = Occupied by another agent
format-state-closed = Closed
format-state-spam = Reported as spam

## The customer's mood, as the agent saw it at the end
format-mood-happy = Happy
format-mood-neutral = Neutral
format-mood-unhappy = Unhappy
format-mood-angry = Angry
# A mood or a subject the agent did not know.
format-dont-know = I don't know

## A file's size
format-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
format-kilobytes = { $count } KB
format-megabytes = { $count } MB
