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
