## L'écran de connexion

signin-server = Adresse du serveur
signin-email = E-mail
signin-password = Mot de passe
signin-submit = Se connecter
signin-pending = Connexion…
signin-wrong-password = E-mail ou mot de passe incorrect
signin-unreachable = Le serveur est injoignable
signin-bad-address = Cette adresse de serveur n'est pas valide
signin-rate-limited = Trop de tentatives : patientez une minute et réessayez
