## The chat report

report-title = Chat report
report-back = Back to conversations
# The date range's fields.
report-from = From
report-to = To
# Supervisors: whose figures.
report-agent = Agent
report-all-agents = All agents
report-export = Export CSV
# $path is where the CSV file went.
report-saved = Saved to { $path }
report-range-backwards = Choose a start date on or before the end date.
report-loading = Loading…
# Above the table; $start and $end are dates.
report-caption = From { $start } to { $end }
report-caption-updating = From { $start } to { $end } (updating…)

## The charts under the table
report-chart-ratings = Ratings
report-chart-ended-per-agent = Conversations ended per agent
# What a screen reader says of a chart: its title, then each bar's label and figure.
report-chart-summary = { $title }: { $figures }

## The table's columns
report-col-agent = Agent
report-col-handled = Handled
report-col-ended = Ended
report-col-surveys = Surveys answered / requested
report-col-response-rate = Response rate
report-col-average-rating = Average rating
report-col-ratings = Ratings
report-col-first-response = Median first response
report-col-handling = Median handling time
report-col-subjects = Top subjects
report-col-moods = Moods
report-no-agent = No agent in this report.
# A subject or a mood with how many conversations had it: "Billing (6)".
report-item-count = { $name } ({ $count })
