## The sign-in screen

signin-server = Server address
signin-email = Email
signin-password = Password
signin-submit = Sign in
signin-pending = Signing in…
signin-wrong-password = Wrong email or password
signin-unreachable = The server cannot be reached
signin-bad-address = That is not a valid server address
signin-rate-limited = Too many attempts; wait a minute and try again
