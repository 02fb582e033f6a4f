-- POST /login at the configured bcrypt cost: every request for the
-- benchmark account (BENCH_EMAIL), or, with BENCH_EMAIL_EACH=PREFIX and
-- as many wrk threads as connections, wrk thread i for PREFIXi@example.com,
-- an account of its own.

dofile("bench/threads.lua")

function init(args)
	local email = os.getenv("BENCH_EMAIL")
	local each = os.getenv("BENCH_EMAIL_EACH")
	if each ~= nil and each ~= "" then
		email = each .. id .. "@example.com"
	end
	body = '{"email":"' .. email .. '","password":"benchmark password"}'
end

function request()
	return wrk.format("POST", nil,
	    { ["Content-Type"] = "application/json" }, body)
end
