# The server's words: the chat report's CSV export (in the language the
# request's Accept-Language asks for). English column names stay short and
# stable, for scripts that read them.

## CSV column names

csv-agent-id = agent_id
csv-agent = agent
csv-from = from
csv-to = to
csv-handled = handled
csv-ended = ended
csv-surveys-requested = surveys_requested
csv-surveys-answered = surveys_answered
csv-response-rate = response_rate
csv-average-rating = average_rating
# $stars: 1 to 5.
csv-rating = rating_{ $stars }
csv-first-response = median_first_response_seconds
csv-handling = median_handling_seconds
# $name: a subject of the end questionnaire.
csv-subject = subject: { $name }
# $mood: one of csv-mood-*.
csv-mood = mood: { $mood }

## CSV cells

csv-all-agents = All agents
csv-dont-know = I don't know
csv-mood-happy = happy
csv-mood-neutral = neutral
csv-mood-unhappy = unhappy
csv-mood-angry = angry

## Texts to customers (serve --language)

# Sent by text when a texted conversation ends.
sms-survey-question = How did we do? Reply with a number from 1 to 5.
# The one answer to a reply that is not a rating.
sms-clarification = Sorry, we didn't catch that. Please reply with just a number from 1 (poor) to 5 (excellent).
# The answer to a rating by text.
sms-thanks = Thank you for your feedback!

## Refusals: the API's error messages, in the language the request's
## Accept-Language asks for (the app shows them after its own words).

# A field of a request, as the API names it (the English names are the API's).
field-body = body
field-comment = comment
field-email = email
field-language = language
field-message = message
field-name = name
field-note = note
field-subject = subject
field-title = title
# $field: one of field-*.
error-nul-character = { $field } must not contain the NUL character
error-blank = { $field } must not be blank
error-too-long = { $field } must be at most { $max } characters
error-too-many-characters = { $field } has { $count } characters; the limit is { $max }
error-email = email must look like name@example.com
error-language-tag = language must be a BCP 47 language tag such as "fr" or "pt-BR"
# $max: the longest shortcut, in characters.
error-shortcut = shortcut must be 1 to { $max } letters, digits, - or _
# $placeholder: what the body has; $first, $second: the placeholders there are.
error-placeholder = body: unknown placeholder { $placeholder }; use { $first } or { $second }
error-capacity = capacity is a whole number from 1 to { $max }, or null for no limit
error-rating = rating must be a whole number from 1 to 5, not { $rating }
error-file-empty = the file is empty
error-file-name-control = name: no control characters
error-file-name-missing = name: give the file's name
error-report-range = from must be before to
error-subject-unknown = subject is not in the server's subject list
error-page-size = limit must be between 1 and { $max }
error-all-or-agent = give either all or agent_id, not both
