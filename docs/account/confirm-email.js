/*
 * /account/confirm-email?token=...: the page the email-change mail
 * links to; its button POSTs the token to /email-change/confirm.
 */
"use strict";

Account.mailPage("confirm-form", "email-change/confirm", function (user) {
	return "Your account's email is now " + user.email + ".";
});
