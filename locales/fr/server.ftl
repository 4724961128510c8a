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
