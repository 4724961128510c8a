## Words every screen uses

common-cancel = Cancel
common-close = Close
common-save = Save
common-send = Send
common-delete = Delete
common-ok = OK
common-retry = Try again
