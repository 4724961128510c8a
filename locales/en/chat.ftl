# The customers' chat page (/chat): what a customer reads. The page reads this
# catalog with @fluent/bundle in the browser's language or the one chosen on
# the page. An element's message gives its text, and its attributes the
# element's attributes (.aria-label, .title, .placeholder).

## The page

chat-title = Chat with us
chat-loading = Loading…
# Shown when the browser runs no scripts: the server sends it in the browser's language.
chat-noscript = This chat needs JavaScript. Please turn it on and reload the page.
chat-new = Start a new chat
# The language menu in the top bar (each language is listed in its own name).
chat-language = Language

## Starting a conversation

chat-start-heading = Start a conversation
chat-start-intro = Tell us who you are and someone from our team will reply right here.
chat-name = Name
chat-email = Email
chat-start = Start chat
chat-name-missing = Please enter your name.
chat-email-missing = Please enter your email address.
chat-email-invalid = Please enter a valid email address, like name@example.com.
chat-name-invalid = Please check your name.

## The conversation

chat-conversation = Conversation
chat-history =
    .aria-label = Conversation history
chat-messages =
    .aria-label = Messages
chat-waiting = Thanks! An agent will be with you shortly.
chat-ended = The agent has ended this conversation.
# Who wrote a line: the customer.
chat-you = You
# Who wrote a line: an agent whose name is not known.
chat-agent = Agent
# $name: the agent's name.
chat-typing = { $name } is typing…
chat-typing-agent = The agent is typing…
# Under a line of the customer's that has not reached the server yet.
chat-sending = Sending…
chat-retrying = Not sent yet. Trying again…
chat-jump = New messages
chat-write-again = Write again to start a new conversation.
chat-reconnecting = Reconnecting…

## The message box

chat-message = Message
chat-message-box =
    .placeholder = Type your message…
chat-send = Send
chat-attach =
    .aria-label = Attach files
    .title = Attach files
chat-composer-help = Press Enter to send, Shift+Enter for a new line. Files can be attached, dropped or pasted.
# $count: characters in the box; $max: the most a message may have.
chat-count = { $count } / { $max } characters
chat-drop = Drop files to send them

## Files

# $size: a file's size (chat-size-*).
chat-file =
    .aria-label = Download { $name }, { $size }
chat-size-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
chat-size-kb = { $n } KB
chat-size-mb = { $n } MB
# $name: the file's name.
chat-file-sending = Sending { $name }…
chat-file-retrying = { $name }: not sent yet. Trying again…
chat-file-empty = { $name } is empty.
# $max: the largest file, in MB.
chat-file-too-large = { $name } is too large: a file may have at most { $max } MB.
# $reason: why it failed (one of the chat-error-* messages).
chat-file-failed = { $name }: { $reason }
chat-download-failed = Could not download { $name }.
chat-open-failed = Could not open { $name }.
chat-download = Download
chat-close = Close

## The rating when the conversation has ended

chat-survey-question = How did we do?
# $stars: 1 to 5.
chat-survey-stars = { $stars ->
    [one] { $stars } star
   *[other] { $stars } stars
}
chat-survey-comment = Anything to add? (optional)
chat-survey-send = Send rating
chat-survey-thanks = Thank you for your feedback!
chat-survey-thanks-already = Thanks, your rating was already recorded.

## Errors

chat-error = Something went wrong. Please try again.
chat-error-network = Could not reach the server. Please check your connection and try again.
chat-error-load = Could not load your conversation. We will keep trying to reconnect.
chat-error-session-gone = Your chat session has expired. Please start a new chat.
chat-error-rate-limited = Too many attempts. Please wait a moment and try again.
chat-error-server = Something went wrong on our side. Please try again in a moment.
# $status: the HTTP status (a number).
chat-error-status = Something went wrong (error { $status }). Please try again.
chat-error-bad-response = Unexpected answer from the server. Please try again.
# $max: the most characters a message may have.
chat-error-message-too-long = Your message is too long: a message may have at most { $max } characters.
chat-error-too-large = That is too large to send.
chat-error-ended = This chat has ended.
chat-error-invalid = Please check what you entered and try again.
