/*
 * /account/reset-password?token=...: the page the reset mail links to.
 * POST /password-reset/confirm with the mailed token and the new
 * password; every session of the account is then signed out.
 */
"use strict";

Account.mailPage("password-form", "password-reset/confirm", function () {
	return "Your password is changed, and every session of the " +
	    "account is signed out. Sign in with the new password.";
});
