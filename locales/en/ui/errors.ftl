# What the agent reads when something fails, by the error's code (the
# engine's or the server's). $detail: the engine's or the server's own words
# (English), given only where they say what exactly went wrong.

## The engine's codes

error-bad-address = That is not a valid server address.
error-unreachable = The server cannot be reached. Try again when you are back online.
error-bad-response = The server gave an answer the app does not understand. Try again; if it goes on, tell your administrator.
error-unreadable-answer = The server's answer could not be read. Try again; if it goes on, tell your administrator.
error-not-signed-in = You are signed out. Sign in again.
error-cache = The offline copy on this computer could not be used: { $detail }
error-desktop = The desktop refused: { $detail }
error-unknown = Something went wrong: { $detail }

## The server's codes

error-invalid-request = The server refused the request: { $detail }
error-invalid-field = Check what you entered: { $detail }
error-body-too-large = That is too large to send.
error-message-too-long = The message is too long.
error-unauthorized = Your session has ended. Sign in again.
error-invalid-credentials = Wrong email or password.
error-forbidden = You are not allowed to do this.
error-not-found = It is not there any more.
error-conversation-taken = Another agent has taken this conversation.
# $name: the agent who has it now.
error-conversation-taken-by = { $name } has already taken this conversation.
error-not-occupant = Only the agent handling this conversation can do this.
error-invalid-state = This conversation has changed meanwhile: look at it again.
error-op-id-reused = This change was already sent with other content.
error-rate-limited = Too many attempts; wait a minute and try again.
error-try-again = Someone changed it at the same moment; try again.
error-resync-required = The app is catching up with the server; try again in a moment.
error-survey-answered = This survey was already answered.
error-customer-opted-out = The customer texted STOP: no texts can be sent to them.
error-unknown-number = This server does not answer that number.
error-at-capacity = You already handle as many conversations as your capacity allows.
error-agent-unavailable = That agent is away.
# $name: the agent the conversation was to go to.
error-agent-unavailable-named = { $name } is away.
error-agent-at-capacity = That agent already handles as many conversations as they can.
error-agent-at-capacity-named = { $name } already handles as many conversations as they can.
error-shortcut-taken = Another canned reply already has that shortcut.
error-internal = Something went wrong on the server. Try again; if it goes on, tell your administrator.
