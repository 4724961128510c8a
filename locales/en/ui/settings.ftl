## The settings dialog

settings-title = Settings
settings-loading = Loading…
settings-sign-out = Sign out

settings-reminder = Remind me of a waiting customer
settings-reminder-off = Off
settings-reminder-every = { $count ->
    [one] Every minute
   *[other] Every { $count } minutes
}

# The on/off settings; the notes show beside them, muted.
settings-dnd = Do Not Disturb
settings-dnd-note = (no desktop notifications until I turn it off)
settings-sound = Play a sound when a customer starts waiting
settings-attention = Flash the taskbar when a customer starts waiting
settings-attention-note = (while the window is in the background)
settings-start-at-login = Start Switchboard when I log in
settings-start-at-login-note = (in the tray)
settings-close-to-tray = Keep running in the tray when the window is closed

# Followed by a choice of times: "5 minutes", "Never".
settings-away-when-idle = Set me away when the computer has not been used for
settings-away-never = Never
settings-away-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
# A time set outside the app, not a whole number of minutes.
settings-away-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
settings-away-note = Available again at the first key or mouse move. Away, you hear only of your own conversations.

# Followed by a choice of sizes: "500 MB", "1 GB".
settings-file-cache = Keep files for viewing offline, up to
settings-file-cache-mb = { $size } MB
settings-file-cache-gb = { $size } GB
settings-file-cache-note = The newest conversations' files first; the least recently viewed make room.

# Followed by a choice: "All of them", "For 6 months", "For 1 year".
settings-archive = Keep ended conversations on this computer
settings-archive-all = All of them
settings-archive-months = { $count ->
    [one] For { $count } month
   *[other] For { $count } months
}
settings-archive-years = { $count ->
    [one] For { $count } year
   *[other] For { $count } years
}
settings-archive-note = Older ones stay on the server; offline search finds only those kept here.

# Where the offline cache's key is kept: the first sentence, then one of the two others.
settings-cache-key-encrypted = Conversations kept on this computer for offline use are encrypted.
settings-cache-key-keychain = Their key is in the system's keychain.
settings-cache-key-file = This computer has no keychain Switchboard can use, so their key is in a file only your account can read, beside them.

## The language

settings-language = Language
settings-language-system = Same as the system ({ $name })
