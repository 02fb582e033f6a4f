/*
 * /account/confirm-email?token=...: the page the mail links to.  Opening it
 * spends nothing (a mail scanner may fetch links): the button POSTs
 * the token to /email-change/confirm.
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var done = document.getElementById("done");
	var form = document.getElementById("confirm-form");
	var token = Account.mailToken();

	if (token === null) {
		form.hidden = true;
		Account.error(box, { message: "This page needs the link from " +
		    "the mail, with its token." });
		return;
	}
	Account.onSubmit(form, function () {
		Account.say(box, null);
		return Account.call("POST", "email-change/confirm", { token: token })
		    .then(function (r) {
			if (r.status !== 200)
				return Account.error(box, r.data);
			form.hidden = true;
			Account.say(done, "Your account's email is now %s.".replace("%s", r.data.email));
		});
	});
})();
