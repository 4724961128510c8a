## The supervisor's team screen

team-title = Team
team-back = Back to conversations
# $error says why.
team-error = The team could not be read: { $error }
# $queue is how many customers wait (shown in bold; $count selects the words).
team-queue = { $count ->
    [one] Queue: { $queue } customer waiting
   *[other] Queue: { $queue } customers waiting
}
# The same, with how long the first in line has waited ($wait: "3 min", in bold).
team-queue-longest = { $count ->
    [one] Queue: { $queue } customer waiting, the longest for { $wait }
   *[other] Queue: { $queue } customers waiting, the longest for { $wait }
}

## The table of agents
team-col-agent = Agent
team-col-status = Status
team-col-load = Load
team-col-capacity = Capacity
team-col-wait = Longest wait
team-col-conversations = Conversations
team-available = Available
team-away = Away
# An agent whose app is not connected; $status is Available or Away.
team-offline = { $status } · offline
# Conversations held against the agent's capacity: "2 of 3".
team-load-of = { $load } of { $capacity }
# The capacity field, empty.
team-no-limit = no limit
team-capacity-of = Capacity of { $name }
team-capacity-invalid = { $name }: a capacity is a whole number from 1 to 1000, or empty for no limit
# $error says why the capacity was not saved.
team-capacity-failed = { $name }: { $error }
team-free = Free
team-transfer = Transfer…
team-loading = Loading the team…
