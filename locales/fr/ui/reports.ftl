## Le rapport des conversations

report-title = Rapport des conversations
report-back = Retour aux conversations
# Les champs de la période.
report-from = Du
report-to = Au
# Superviseurs : les chiffres de qui.
report-agent = Agent
report-all-agents = Tous les agents
report-export = Exporter en CSV
# $path est l'endroit où est allé le fichier CSV.
report-saved = Enregistré dans { $path }
report-range-backwards = Choisissez une date de début antérieure ou égale à la date de fin.
report-loading = Chargement…
# Au-dessus du tableau ; $start et $end sont des dates.
report-caption = Du { $start } au { $end }
report-caption-updating = Du { $start } au { $end } (mise à jour…)

## Les graphiques sous le tableau
report-chart-ratings = Notes
report-chart-ended-per-agent = Conversations terminées par agent
# Ce qu'un lecteur d'écran dit d'un graphique : son titre, puis le libellé et le chiffre de chaque barre.
report-chart-summary = { $title } : { $figures }

## Les colonnes du tableau
report-col-agent = Agent
report-col-handled = Prises en charge
report-col-ended = Terminées
report-col-surveys = Questionnaires remplis / demandés
report-col-response-rate = Taux de réponse
report-col-average-rating = Note moyenne
report-col-ratings = Notes
report-col-first-response = Première réponse (médiane)
report-col-handling = Durée de traitement (médiane)
report-col-subjects = Sujets principaux
report-col-moods = Humeurs
report-no-agent = Aucun agent dans ce rapport.
# Un sujet ou une humeur et le nombre de conversations concernées : « Facturation (6) ».
report-item-count = { $name } ({ $count })
