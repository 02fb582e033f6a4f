/*
 * /account/: the signed-in user's page.  Its access token comes from
 * the session's cookie (POST /refresh) and stays in Account; without a
 * live session the browser goes to the login page and comes back.
 * Details (GET /user-info), verification mail, sessions (GET /tokens,
 * DELETE /tokens/{id}, POST /revoke-all-tokens, POST /logout), password
 * and email changes, the second factor (POST /mfa/totp, its confirm,
 * DELETE /mfa/totp; the QR code drawn by qrcode-generator, vendored
 * from npm) and the recent security events (GET /audit/me).
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var done = document.getElementById("done");
	var user = null;

	function $(id) {
		return document.getElementById(id);
	}

	/* A time of the API (RFC 3339) as the reader's local time. */
	function when(t) {
		var d = t ? new Date(t) : null;

		return d && !isNaN(d) ? d.toLocaleString() : "";
	}

	/* Report an answer: the API's message, or ok's text. */
	function report(r, status, ok) {
		if (r.status !== status) {
			Account.say(done, null);
			Account.error(box, r.data);
			return false;
		}
		Account.say(box, null);
		Account.say(done, ok);
		return true;
	}

	/* Off to the login page once the session is over. */
	function signedOut() {
		Account.forget();
		window.location.replace("login");
	}

	function showUser(u) {
		var forms = document.querySelectorAll(".mfa-only");

		user = u;
		$("user-email").textContent = u.email;
		$("user-username").textContent = u.username || "(none)";
		$("user-role").textContent = u.role;
		$("user-created").textContent = when(u.created_at);
		$("pw-username").value = u.email;
		$("verify-form").hidden = u.email_verified === true;
		Array.prototype.forEach.call(forms, function (f) {
			f.hidden = !u.mfa_enabled;
		});
		$("mfa-state").textContent = u.mfa_enabled ?
		    "On: signing in asks for a code from your app." :
		    "Off: signing in asks for your password only.";
		$("mfa-start").hidden = u.mfa_enabled === true;
		$("mfa-off").hidden = u.mfa_enabled !== true;
	}

	function loadUser() {
		return Account.authed("GET", "user-info").then(function (r) {
			if (r.status === 200)
				showUser(r.data);
			else
				Account.error(box, r.data);
		});
	}

	/*
	 * A user agent in a few words ("Firefox 133 on Windows"); the whole
	 * string goes in the cell's title.
	 */
	function agent(ua) {
		var names = [["Edg", "Edge"], ["OPR", "Opera"],
		    ["Firefox", "Firefox"], ["HeadlessChrome", "HeadlessChrome"],
		    ["Chrome", "Chrome"], ["Version", "Safari"]];
		var os = /(Windows|Android|iPhone|iPad|Mac OS X|CrOS|Linux)/
		    .exec(ua || ""), i, m;

		for (i = 0; i < names.length; i++) {
			m = new RegExp(names[i][0] + "/([0-9]+)").exec(ua || "");
			if (m)
				return names[i][1] + " " + m[1] + (os ? " on " +
				    (os[1] === "Mac OS X" ? "macOS" : os[1]) : "");
		}
		return ua || "";
	}

	/* One session's row, with its sign-out button. */
	function sessionRow(t) {
		var tr = document.createElement("tr");
		var from = Account.el("td", (t.ip || "") +
		    (t.user_agent ? ", " + agent(t.user_agent) : ""));
		var cell = document.createElement("td");
		var b = Account.el("button", t.current ? "Sign out this one" :
		    "Sign out", "small");

		tr.appendChild(Account.el("td", when(t.created_at)));
		tr.appendChild(Account.el("td", when(t.last_used_at)));
		if (t.current) {
			tr.className = "current";
			from.appendChild(Account.el("strong", " (this browser)"));
		}
		from.title = t.user_agent || "";
		tr.appendChild(from);
		b.type = "button";
		b.setAttribute("aria-label", "Sign out the session from " +
		    (t.ip || "an unknown address") + " of " +
		    when(t.created_at) + (t.current ? " (this browser)" : ""));
		b.addEventListener("click", function () {
			b.disabled = true;
			Account.authed("DELETE", "tokens/" + t.id)
			    .then(function (r) {
				if (!report(r, 204, "That session is signed out."))
					return;
				if (t.current)
					return signedOut();
				loadSessions();
				loadEvents();
			});
		});
		cell.appendChild(b);
		tr.appendChild(cell);
		return tr;
	}

	function loadSessions() {
		return Account.authed("GET", "tokens").then(function (r) {
			var body = $("sessions").tBodies[0];

			if (r.status !== 200)
				return Account.error(box, r.data);
			body.replaceChildren.apply(body,
			    r.data.tokens.map(sessionRow));
		});
	}

	function loadEvents() {
		return Account.authed("GET", "audit/me?limit=10")
		    .then(function (r) {
			var body = $("events").tBodies[0];

			if (r.status !== 200)
				return Account.error(box, r.data);
			body.replaceChildren.apply(body,
			    r.data.events.map(function (e) {
				var tr = document.createElement("tr");

				tr.appendChild(Account.el("td", when(e.time)));
				tr.appendChild(Account.el("td", e.event));
				tr.appendChild(Account.el("td", e.ip || ""));
				return tr;
			}));
		});
	}

	/* The code field's value, for an account with a second factor. */
	function withCode(body, v) {
		if (user && user.mfa_enabled)
			body.code = v.code.replace(/\s+/g, "");
		return body;
	}

	/* Draw the otpauth:// URI as a QR code on the canvas. */
	function drawQr(uri) {
		var canvas = $("mfa-qr"), ctx, qr, n, cell = 4, quiet = 4;
		var r, c;

		if (typeof qrcode !== "function") {
			canvas.hidden = true;
			return;
		}
		qr = qrcode(0, "M");
		qr.addData(uri);
		qr.make();
		n = qr.getModuleCount();
		canvas.width = canvas.height = (n + 2 * quiet) * cell;
		ctx = canvas.getContext("2d");
		ctx.fillStyle = "#fff";
		ctx.fillRect(0, 0, canvas.width, canvas.height);
		ctx.fillStyle = "#000";
		for (r = 0; r < n; r++)
			for (c = 0; c < n; c++)
				if (qr.isDark(r, c))
					ctx.fillRect((c + quiet) * cell,
					    (r + quiet) * cell, cell, cell);
		canvas.dataset.modules = String(n);
	}

	$("logout").addEventListener("click", function () {
		Account.authed("POST", "logout").then(function (r) {
			if (report(r, 204, null))
				signedOut();
		});
	});

	$("revoke-all").addEventListener("click", function () {
		Account.authed("POST", "revoke-all-tokens").then(function (r) {
			if (report(r, 200, null))
				signedOut();
		});
	});

	Account.onSubmit($("verify-form"), function () {
		return Account.authed("POST", "verify-email").then(function (r) {
			report(r, 202, "A confirmation link is on its way to " +
			    user.email + ".");
		});
	});

	Account.onSubmit($("password-form"), function (v) {
		return Account.authed("POST", "change-password",
		    withCode({ current_password: v.current_password,
		    new_password: v.new_password }, v)).then(function (r) {
			if (!report(r, 200, "Your password is changed; your " +
			    "other sessions are signed out."))
				return;
			$("password-form").reset();
			loadSessions();
			loadEvents();
		});
	});

	Account.onSubmit($("email-form"), function (v) {
		return Account.authed("PUT", "profile/" + user.id,
		    withCode({ email: v.email.trim(),
		    current_password: v.current_password }, v))
		    .then(function (r) {
			if (r.status === 200) {
				// Nothing pending (the same address again).
				showUser(r.data);
				report(r, 200, "Your email is " + r.data.email + ".");
			} else if (!report(r, 202, "A link to confirm " +
			    r.data.pending_email + " is on its way there; " +
			    "until it is opened your email stays " +
			    user.email + ".")) {
				return;
			}
			$("email-form").reset();
			loadEvents();
		});
	});

	Account.onSubmit($("mfa-start"), function (v) {
		return Account.authed("POST", "mfa/totp",
		    { current_password: v.current_password })
		    .then(function (r) {
			if (!report(r, 200, null))
				return;
			$("mfa-start").reset();
			$("mfa-start").hidden = true;
			$("mfa-secret").textContent = r.data.secret;
			drawQr(r.data.otpauth_uri);
			$("mfa-confirm").hidden = false;
			$("mfa-code").focus();
		});
	});

	Account.onSubmit($("mfa-confirm"), function (v) {
		return Account.authed("POST", "mfa/totp/confirm",
		    { code: v.code.replace(/\s+/g, "") }).then(function (r) {
			var list = $("mfa-codes");

			if (!report(r, 200, "Two-step sign-in is on."))
				return;
			$("mfa-confirm").reset();
			$("mfa-confirm").hidden = true;
			list.replaceChildren.apply(list,
			    r.data.recovery_codes.map(function (c) {
				return Account.el("li", c);
			}));
			$("mfa-recovery").hidden = false;
			loadUser();
			loadEvents();
		});
	});

	Account.onSubmit($("mfa-off"), function (v) {
		return Account.authed("DELETE", "mfa/totp",
		    { current_password: v.current_password,
		    code: v.code.replace(/\s+/g, "") }).then(function (r) {
			if (!report(r, 204, "Two-step sign-in is off."))
				return;
			$("mfa-off").reset();
			$("mfa-recovery").hidden = true;
			loadUser();
			loadEvents();
		});
	});

	Account.refresh().then(function (token) {
		if (token === null)
			return Account.toLogin();
		return loadUser().then(function () {
			return Promise.all([loadSessions(), loadEvents()]);
		});
	}).then(function () {
		document.body.dataset.ready = "1";
	});
})();
