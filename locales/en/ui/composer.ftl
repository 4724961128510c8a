## The composer: the reply or internal note box under a conversation

composer-kind = Write
composer-reply = Reply
composer-note = Internal note
# Shown instead of the Reply / Internal note choice when only notes may be written.
composer-note-only = Internal note: only your team sees it.
composer-attach = Attach files
composer-attach-tip = Attach files (or paste or drop them)
# The text box's label (read by screen readers).
composer-label-reply = Reply to { $name }
composer-label-note = Internal note on the conversation with { $name }
# The text box's placeholder; the "canned" ones when the team has canned replies.
composer-placeholder-reply = Write a reply. Enter sends, Shift+Enter starts a new line.
composer-placeholder-reply-canned = Write a reply. Enter sends, Shift+Enter starts a new line, / inserts a canned reply.
composer-placeholder-note = Write a note for your team; the customer never sees it. Enter adds it, Shift+Enter starts a new line.
composer-placeholder-note-canned = Write a note for your team; the customer never sees it. Enter adds it, Shift+Enter starts a new line, / inserts a canned reply.
composer-add-note = Add note
# Files pasted while writing a note.
composer-files-in-note = Files go to the customer: switch to Reply to send one.

## The canned-reply picker `/` opens in the composer

composer-picker = Canned replies
composer-picker-hint = ↑ ↓ to choose, Enter or Tab to insert for editing, Esc to close
composer-picker-none = No canned reply matches /{ $query }. Esc to close.

## The canned replies screen (supervisors, in Team)

canned-title = Canned replies
canned-new = New canned reply
canned-change = Change canned reply
# $key is "/", $customer and $agent the placeholders "{customer.name}" and "{agent.name}" (shown as code).
canned-help = Agents type { $key } in the reply box to insert one for editing. In the text, { $customer } and { $agent } are filled in.
canned-field-title = Title
canned-field-shortcut = Shortcut
canned-shortcut-hint = Letters, digits, - and _
canned-field-text = Text
canned-saving = Saving…
canned-none = No canned replies yet.
canned-edit = Edit
canned-confirm-delete = Delete /{ $shortcut }
canned-keep = Keep
# A canned reply that could not be inserted, saved or deleted: its shortcut and why.
canned-error = /{ $shortcut }: { $error }
