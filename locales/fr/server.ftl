# Les mots du serveur : l'export CSV du rapport de chat.

## Noms des colonnes du CSV

csv-agent-id = id_agent
csv-agent = agent
csv-from = du
csv-to = au
csv-handled = prises_en_charge
csv-ended = terminées
csv-surveys-requested = enquêtes_envoyées
csv-surveys-answered = enquêtes_répondues
csv-response-rate = taux_de_réponse
csv-average-rating = note_moyenne
csv-rating = note_{ $stars }
csv-first-response = délai_médian_première_réponse_secondes
csv-handling = durée_médiane_traitement_secondes
csv-subject = sujet : { $name }
csv-mood = humeur : { $mood }

## Cellules du CSV

csv-all-agents = Tous les agents
csv-dont-know = Je ne sais pas
csv-mood-happy = content
csv-mood-neutral = neutre
csv-mood-unhappy = mécontent
csv-mood-angry = en colère

## Les SMS aux clients (serve --language)

sms-survey-question = Comment nous sommes-nous débrouillés ? Répondez par un chiffre de 1 à 5.
sms-clarification = Désolés, nous n'avons pas compris. Répondez simplement par un chiffre de 1 (mauvais) à 5 (excellent).
sms-thanks = Merci pour votre avis !

## Refusals: the API's error messages, in the language the request's
## Accept-Language asks for (the app shows them after its own words).

# A field of a request, as the API names it (the English names are the API's).
field-body = le texte
field-comment = le commentaire
field-email = l'adresse e-mail
field-language = la langue
field-message = le message
field-name = le nom
field-note = la note
field-subject = le sujet
field-title = le titre
# $field: one of field-*.
error-nul-character = { $field } ne doit pas contenir le caractère NUL
error-blank = { $field } ne doit pas être vide
error-too-long = { $field } doit faire au plus { $max } caractères
error-too-many-characters = { $field } fait { $count } caractères ; la limite est de { $max }
error-email = l'adresse e-mail doit ressembler à nom@exemple.com
error-language-tag = la langue doit être une étiquette de langue BCP 47, comme « fr » ou « pt-BR »
# $max: the longest shortcut, in characters.
error-shortcut = le raccourci doit faire de 1 à { $max } caractères : lettres, chiffres, - ou _
# $placeholder: what the body has; $first, $second: the placeholders there are.
error-placeholder = le texte : variable inconnue { $placeholder } ; utilisez { $first } ou { $second }
error-capacity = la capacité est un nombre entier de 1 à { $max }, ou null pour aucune limite
error-rating = la note doit être un nombre entier de 1 à 5, et non { $rating }
error-file-empty = le fichier est vide
error-file-name-control = le nom du fichier ne doit pas contenir de caractères de contrôle
error-file-name-missing = indiquez le nom du fichier
error-report-range = le début doit précéder la fin
error-subject-unknown = ce sujet n'est pas dans la liste des sujets du serveur
error-page-size = limit doit être compris entre 1 et { $max }
error-all-or-agent = donnez all ou agent_id, pas les deux
