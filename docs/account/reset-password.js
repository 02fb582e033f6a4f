/*
 * /account/reset-password?token=...: the page the reset mail links to.
 * POST /password-reset/confirm with the mailed token and the new
 * password; every session of the account is then signed out.
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var done = document.getElementById("done");
	var form = document.getElementById("password-form");
	var token = Account.mailToken();

	if (token === null) {
		form.hidden = true;
		Account.error(box, { message: "This page needs the link from " +
		    "the mail, with its token." });
		return;
	}
	Account.onSubmit(form, function (v) {
		Account.say(box, null);
		return Account.call("POST", "password-reset/confirm",
		    { token: token, new_password: v.new_password })
		    .then(function (r) {
			if (r.status !== 200)
				return Account.error(box, r.data);
			form.hidden = true;
			Account.say(done, "Your password is changed, and every " +
			    "session of the account is signed out. Sign in " +
			    "with the new password.");
		});
	});
})();
