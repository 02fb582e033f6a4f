/*
 * /account/verify-email?token=...: the page the verification mail links
 * to; its button POSTs the token to /verify-email/confirm.
 */
"use strict";

Account.mailPage("confirm-form", "verify-email/confirm", function (user) {
	return "Your address " + user.email + " is confirmed.";
});
