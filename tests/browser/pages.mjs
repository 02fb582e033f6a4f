// tests/browser/pages.mjs STEP [ARG...]: one step of tests/pages.bats
// in headless Chromium (Debian's chromium, driven by playwright-core).
// tests/browser/pages.mjs serve SOCKET: Chromium for a whole suite,
// running steps asked for over HTTP on the unix socket SOCKET: a POST
// of {"step", "args", "base", "profile"}, answered 200 with what the
// step printed, or 500 with why it failed.  Starting node and loading
// playwright took more CPU than most steps do.
//
// The steps of one test share their cookies ($PROFILE.json) as one
// person's browser would; $BASE is the server.
// What a step finds out it prints as NAME=value lines for the suite.
// Every step also checks, on every page it opened, that no script ran
// into the Content-Security-Policy, that nothing is in localStorage or
// sessionStorage, and that the browser holds no cookie a script could
// read; any of those fails the step.
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:http";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const TIMEOUT = 20000;
// The step being run: its server, and the lines it prints.
let BASE;
const printed = [];

function fail(msg) {
	throw new Error(msg);
}

function out(name, value) {
	printed.push(`${name}=${value}`);
}

// RFC 6238 with SHA-1, 6 digits, 30 s steps, for step offset 0, 1 ...
function totp(secret, offset = 0) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	let bits = "";
	for (const ch of secret.replace(/=+$/, "").toUpperCase())
		bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
	const key = Buffer.alloc(Math.floor(bits.length / 8));
	for (let i = 0; i < key.length; i++)
		key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
	const h = createHmac("sha1", key).update(counter).digest();
	const o = h[h.length - 1] & 15;
	const n = (h.readUInt32BE(o) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, "0");
}

// Every page: record CSP violations before any of its scripts runs.
const watch = () => {
	window.__csp = [];
	document.addEventListener("securitypolicyviolation", (e) => {
		window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
	});
};

const pages = [];

async function check(ctx) {
	for (const page of pages) {
		if (page.isClosed())
			continue;
		const s = await page.evaluate(() => ({
			csp: window.__csp || [],
			local: window.localStorage.length,
			session: window.sessionStorage.length,
			cookie: document.cookie,
		}));
		if (s.csp.length)
			fail(`CSP violations on ${page.url()}: ${s.csp.join(", ")}`);
		if (s.local || s.session)
			fail(`storage used on ${page.url()}: ${s.local} ${s.session}`);
		if (s.cookie !== "")
			fail(`a script can read cookies on ${page.url()}: ${s.cookie}`);
	}
	for (const c of await ctx.cookies())
		if (!c.httpOnly)
			fail(`cookie ${c.name} is not HttpOnly`);
	for (const e of errors)
		fail(`script error: ${e}`);
}

const errors = [];

async function open(ctx, path) {
	const page = await ctx.newPage();
	pages.push(page);
	page.on("pageerror", (e) => errors.push(String(e)));
	await page.goto(BASE + path);
	return page;
}

// The account page, once it has shown what it loads.
async function accountPage(page) {
	await page.waitForURL(/\/account\/$/);
	await page.waitForSelector("body[data-ready]");
	await page.waitForSelector("#sessions tbody tr");
}

async function fillLogin(page, login, password) {
	await page.getByLabel("Email or username").fill(login);
	await page.getByLabel("Password").fill(password);
	await page.getByRole("button", { name: "Sign in" }).click();
}

async function errorText(page) {
	const box = page.locator("#error");
	await box.waitFor({ state: "visible" });
	return (await box.textContent()).trim();
}

// Whichever of the page's two message boxes shows: done= or error=.
async function outcome(page) {
	const box = page.locator("#done, #error").filter({ visible: true }).first();
	await box.waitFor({ state: "visible" });
	out(await box.getAttribute("id"), (await box.textContent()).trim());
}

async function doneText(page) {
	const box = page.locator("#done");
	await box.waitFor({ state: "visible" });
	return (await box.textContent()).trim();
}

const steps = {
	// register EMAIL PASSWORD [NEXT]: lands on the account page (or NEXT).
	async register(ctx, email, password, next) {
		const page = await open(ctx, "/account/register" +
		    (next ? "?next=" + encodeURIComponent(next) : ""));
		await page.getByLabel("Email").fill(email);
		await page.getByLabel("Password").fill(password);
		await page.getByRole("button", { name: "Create the account" }).click();
		if (next) {
			await page.waitForURL((u) => u.pathname !== "/account/register");
			out("url", new URL(page.url()).pathname);
			return;
		}
		await accountPage(page);
		out("email", (await page.locator("#user-email").textContent()).trim());
	},

	// login LOGIN PASSWORD [NEXT]: prints where the browser went.
	async login(ctx, login, password, next) {
		const page = await open(ctx, "/account/login" +
		    (next !== undefined ? "?next=" + encodeURIComponent(next) : ""));
		await fillLogin(page, login, password);
		await page.waitForURL((u) => u.pathname !== "/account/login");
		await page.waitForLoadState();
		const u = new URL(page.url());
		out("url", u.origin === new URL(BASE).origin ?
		    u.pathname + u.search : u.href);
		if (u.pathname.endsWith("/account/"))
			await accountPage(page);
	},

	// wrong-password LOGIN PASSWORD: the message the page shows.
	async "wrong-password"(ctx, login, password) {
		const page = await open(ctx, "/account/login");
		await fillLogin(page, login, password);
		out("message", await errorText(page));
		out("url", new URL(page.url()).pathname);
	},

	// sessions: the account page's list of sessions.
	async sessions(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		const rows = page.locator("#sessions tbody tr");
		out("sessions", await rows.count());
		out("current", await page.locator("#sessions tbody tr.current").count());
		out("email", (await page.locator("#user-email").textContent()).trim());
		out("events", (await page.locator("#events tbody").textContent()).trim());
	},

	// account: the account page; with no session, where it went.
	async account(ctx) {
		const page = await open(ctx, "/account/");
		await Promise.race([page.waitForURL(/\/account\/login\?/),
		    page.waitForSelector("body[data-ready]")]);
		const u = new URL(page.url());
		out("url", u.pathname + u.search);
	},

	// sign-out-everywhere: the button, then the login page.
	async "sign-out-everywhere"(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		await page.getByRole("button", { name: "Sign out everywhere" }).click();
		await page.waitForURL(/\/account\/login$/);
		out("url", new URL(page.url()).pathname);
	},

	// sign-out: the account page's "Sign out", then the login page.
	async "sign-out"(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		await page.getByRole("button", { name: "Sign out", exact: true }).click();
		await page.waitForURL(/\/account\/login$/);
		out("url", new URL(page.url()).pathname);
	},

	// sign-out-other: signs out the first session that is not this one.
	async "sign-out-other"(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		const before = await page.locator("#sessions tbody tr").count();
		await page.locator("#sessions tbody tr:not(.current) button").first().click();
		await doneText(page);
		await page.waitForFunction((n) => document.querySelectorAll(
		    "#sessions tbody tr").length === n - 1, before);
		out("sessions", before - 1);
	},

	// reset-request EMAIL: the reset page's form.
	async "reset-request"(ctx, email) {
		const page = await open(ctx, "/account/reset");
		await page.getByLabel("Email").fill(email);
		await page.getByRole("button", { name: "Mail me a link" }).click();
		out("done", await doneText(page));
	},

	// reset-confirm LINK PASSWORD: the page the mail links to.
	async "reset-confirm"(ctx, link, password) {
		const page = await open(ctx, link.slice(BASE.length));
		out("address", new URL(page.url()).pathname + new URL(page.url()).search);
		await page.getByLabel("New password").fill(password);
		await page.getByRole("button", { name: "Set the new password" }).click();
		await outcome(page);
	},

	// confirm LINK: a verification or email-change link, and its button.
	async confirm(ctx, link) {
		const page = await open(ctx, link.slice(BASE.length));
		await page.locator("#confirm-form button").click();
		out("done", await doneText(page));
	},

	// verify-request: the account page's "mail me a confirmation link".
	async "verify-request"(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		await page.getByRole("button", { name: "Mail me a confirmation link" }).click();
		out("done", await doneText(page));
	},

	// change-password CURRENT NEW [SECRET]
	async "change-password"(ctx, current, password, secret) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		const form = page.locator("#password-form");
		await form.getByLabel("Current password").fill(current);
		await form.getByLabel("New password").fill(password);
		if (secret)
			await form.getByLabel("Code from your authenticator app").fill(totp(secret));
		await form.getByRole("button").click();
		await outcome(page);
	},

	// change-email NEW PASSWORD
	async "change-email"(ctx, email, current) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		const form = page.locator("#email-form");
		await form.getByLabel("New email").fill(email);
		await form.getByLabel("Current password").fill(current);
		await form.getByRole("button").click();
		out("done", await doneText(page));
	},

	// enroll PASSWORD: TOTP from the account page, the QR code checked
	// against the otpauth URI; prints the secret and recovery codes.
	async enroll(ctx, password) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		let uri = null;
		page.on("response", async (res) => {
			if (res.url().endsWith("/mfa/totp") && res.status() === 200)
				uri = (await res.json()).otpauth_uri;
		});
		const start = page.locator("#mfa-start");
		await start.getByLabel("Current password").fill(password);
		await start.getByRole("button").click();
		await page.locator("#mfa-confirm").waitFor({ state: "visible" });
		const secret = (await page.locator("#mfa-secret").textContent()).trim();
		// The QR code's modules, read from the canvas, are those of
		// the otpauth URI (encoded here by the same library).
		const qr = await page.evaluate(() => {
			const c = document.getElementById("mfa-qr");
			const n = Number(c.dataset.modules);
			const cell = c.width / (n + 8);
			const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let bits = "";
			for (let r = 0; r < n; r++)
				for (let k = 0; k < n; k++) {
					const x = Math.floor((k + 4) * cell + cell / 2);
					const y = Math.floor((r + 4) * cell + cell / 2);
					bits += px[(y * c.width + x) * 4] < 128 ? "1" : "0";
				}
			return { n, bits };
		});
		const qrcode = require("../../docs/node_modules/qrcode-generator");
		const want = qrcode(0, "M");
		want.addData(uri);
		want.make();
		let bits = "";
		for (let r = 0; r < want.getModuleCount(); r++)
			for (let k = 0; k < want.getModuleCount(); k++)
				bits += want.isDark(r, k) ? "1" : "0";
		if (qr.n !== want.getModuleCount() || qr.bits !== bits)
			fail(`the QR code is not that of ${uri}`);
		out("secret", secret);
		out("uri", uri);
		out("qr_modules", qr.n);
		await page.getByLabel("The 6-digit code the app shows").fill(totp(secret));
		await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
		await page.locator("#mfa-recovery").waitFor({ state: "visible" });
		out("recovery", await page.locator("#mfa-codes li").count());
		await page.locator("#mfa-off").waitFor({ state: "visible" });
		out("done", await doneText(page));
	},

	// login-mfa LOGIN PASSWORD SECRET [NEXT]: both steps of a login.
	// The code is the next step's, so it is never the one just used.
	async "login-mfa"(ctx, login, password, secret, next) {
		const page = await open(ctx, "/account/login" +
		    (next ? "?next=" + encodeURIComponent(next) : ""));
		await fillLogin(page, login, password);
		const code = page.getByLabel(/Code from your authenticator app/);
		await code.waitFor({ state: "visible" });
		await code.fill("000000" === totp(secret, 1) ? "000001" : "000000");
		await page.getByRole("button", { name: "Continue" }).click();
		out("wrong", await errorText(page));
		await code.fill(totp(secret, 1));
		await page.getByRole("button", { name: "Continue" }).click();
		await page.waitForURL((u) => u.pathname !== "/account/login");
		out("url", new URL(page.url()).pathname);
		if (!next)
			await accountPage(page);
	},

	// private: /private/ through the authorizer, logging in on the way.
	async private(ctx, login, password) {
		const page = await open(ctx, "/private/");
		await page.waitForURL(/\/account\/login\?/);
		out("login_url", new URL(page.url()).pathname + new URL(page.url()).search);
		await fillLogin(page, login, password);
		await page.waitForURL((u) => u.pathname === "/private/");
		out("url", new URL(page.url()).pathname);
		out("text", (await page.locator("body").innerText()).replace(/\s+/g, " ").trim());
		// What a CGI script behind the authorizer is handed.
		await page.goto(BASE + "/private/whoami.cgi");
		out("whoami", (await page.locator("body").innerText()).replace(/\s+/g, " ").trim());
	},

	// cookies: the browser's cookies and their attributes.
	async cookies(ctx) {
		const page = await open(ctx, "/account/");
		await accountPage(page);
		out("cookies", (await ctx.cookies()).map((c) => [c.name,
		    c.httpOnly ? "httpOnly" : "script", c.secure ? "secure" :
		    "plain", c.sameSite].join(" ")).sort().join(","));
	},

	// shot PATH FILE: a screenshot of the page at PATH, as a window
	// shows it.
	async shot(ctx, path, file) {
		const page = await open(ctx, path);
		if (path.endsWith("/account/"))
			await accountPage(page);
		else
			await page.waitForLoadState("networkidle");
		await page.screenshot({ path: file });
		out("file", file);
	},
};

const options = {
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--disable-quic",
	    "--no-first-run", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync"],
};
const look = { viewport: { width: 800, height: 640 }, locale: "en-GB",
    timezoneId: "UTC" };

// Run a step in a new context of browser, with the cookies the test's
// earlier steps left in profile.json, saved again once it passed.
// Returns { rc, text }: what it printed, or why it failed.
async function run(browser, { step, args = [], base, profile }) {
	const state = profile + ".json";
	let ctx;
	BASE = base;
	printed.length = pages.length = errors.length = 0;
	try {
		if (!steps[step])
			fail(`no step ${step}`);
		ctx = await browser.newContext({ ...look,
		    storageState: existsSync(state) ? state : undefined });
		ctx.setDefaultTimeout(TIMEOUT);
		await ctx.addInitScript(watch);
		await steps[step](ctx, ...args);
		await check(ctx);
		await ctx.storageState({ path: state });
		return { rc: 0, text: printed.join("\n") };
	} catch (e) {
		let why = `${step}: ${e.message}\n`;
		for (const page of pages)
			if (!page.isClosed())
				why += `  at ${page.url()}: ${(await page.locator("body").innerText().catch(() => "")).slice(0, 400)}\n`;
		return { rc: 1, text: why + printed.join("\n") };
	} finally {
		if (ctx)
			await ctx.close();
	}
}

// Steps asked for on the socket run one at a time.
function serve(browser, socket) {
	let queue = Promise.resolve();
	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (chunk) => body += chunk);
		req.on("end", () => queue = queue.then(async () => {
			let r;
			try {
				r = await run(browser, JSON.parse(body));
			} catch (e) {
				r = { rc: 1, text: `bad request: ${e.message}` };
			}
			res.writeHead(r.rc ? 500 : 200,
			    { "Content-Type": "text/plain" });
			res.end(r.text + "\n");
		}));
	});
	server.listen(socket, () => console.log("ready"));
}

const [step, ...args] = process.argv.slice(2);
// Killed (the suite's end), node goes too, with its Chromium: the
// socket's server would keep it running.
const browser = await chromium.launch({ ...options, handleSIGTERM: false });
process.on("SIGTERM", () => browser.close().finally(() => process.exit(0)));
if (step === "serve") {
	serve(browser, args[0]);
} else {
	const r = await run(browser, { step, args, base: process.env.BASE,
	    profile: process.env.PROFILE });
	(r.rc ? console.error : console.log)(r.text);
	await browser.close();
	process.exit(r.rc);
}
