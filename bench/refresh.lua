-- POST /refresh chains, honestly: every refresh token is used exactly
-- once.  Each thread takes its share of the tokens in BENCH_TOKENS (one
-- per line); a request takes a token from the pool and its answer puts
-- the successor back, so each connection walks its own session's chain.

dofile("bench/threads.lua")

function init(args)
	pool = {}
	local i = 0
	for line in io.lines(os.getenv("BENCH_TOKENS")) do
		if i % tonumber(os.getenv("BENCH_THREADS")) == id then
			table.insert(pool, line)
		end
		i = i + 1
	end
end

function request()
	local token = table.remove(pool)
	if token == nil then
		-- Only when an answer carried no token (an error).
		return wrk.format("GET", "/health")
	end
	return wrk.format("POST", "/refresh",
	    { ["Content-Type"] = "application/json" },
	    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
	local token = body and body:match('"refresh_token":"([^"]+)"')
	if token ~= nil then
		table.insert(pool, token)
	end
end
