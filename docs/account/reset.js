/*
 * /account/reset: POST /password-reset.  The answer is the same
 * whether or not the address has an account, and so is this page's.
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var done = document.getElementById("done");
	var form = document.getElementById("reset-form");

	Account.onSubmit(form, function (v) {
		Account.say(box, null);
		return Account.call("POST", "password-reset",
		    { email: v.email.trim() }).then(function (r) {
			if (r.status !== 202)
				return Account.error(box, r.data);
			form.hidden = true;
			Account.say(done, "If " + v.email.trim() + " has an " +
			    "account, a link to reset its password is on its " +
			    "way; it works once.");
		});
	});
})();
