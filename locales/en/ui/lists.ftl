## The sidebar: the lists of conversations, their rows, the search, and the
## banners over the conversation (connection, saved items set aside)

list-nav = Conversations
list-mine = My conversations
list-queue = Conversations not assigned
list-others = Others' conversations
list-archive = Archived
# After a list's count, for screen readers only ("3 conversations").
list-count = { $count ->
    [one] conversation
   *[other] conversations
}
# A list with no conversation in it.
list-empty = None
# A row of the list still being fetched.
list-loading = Loading…
list-take-next = Take next
# Under "Archived" while the archive downloads; numbers already formatted.
list-backfill = Downloading the archive: { $fetched } of { $total }
list-availability = Your availability
list-available = Available
list-away = Away
list-open-report = Chat report
list-open-team = Team
list-open-settings = Settings
list-open-help = Keyboard shortcuts

## A list's row

list-row-closed = Closed
# No customer message waits for an answer.
list-row-up-to-date = Conversation up to date

## Search

search-label = Search all conversations: names, emails and messages
search-placeholder = Search all conversations  ( / )
search-results = Search results
search-pending = Searching…
search-none = No conversation matches.
search-count = { $count ->
    [one] { $count } conversation
   *[other] { $count } conversations
}
# Which list a result is in (a label on one conversation).
search-list-mine = Mine
search-list-queue = Not assigned
search-list-taken = Taken
search-list-taken-by = Taken by { $name }
search-list-archive = Archived
# $when: a date and time ("12 Mar 2026, 14:05").
search-closed = Closed { $when }
# How many of the conversation's messages match.
search-matches = { $count ->
    [one] { $count } match
   *[other] { $count } matches
}

## The window before the lists, and the banners over the conversation

banner-starting = Starting…
# On the sign-in screen, when the server ended the session.
banner-session-ended = Your session ended; sign in again
banner-offline = You are offline — showing saved conversations. Replies will be sent when the connection returns.
banner-resyncing = Catching up with the server…
# Items of the offline cache this version could not read.
banner-set-aside = { $count ->
    [one] One saved item could not be read by this version of Switchboard. It was set aside in the cache file for a bug report, and conversations are fetched again from the server.
   *[other] { $count } saved items could not be read by this version of Switchboard. They were set aside in the cache file for a bug report, and conversations are fetched again from the server.
}
