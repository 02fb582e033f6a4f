-- GET /user-info, each request with the next access token of the file
-- BENCH_ACCESS (one per line): the benchmark account's one token on the
-- empty database; tokens of users spread over the whole table on the
-- seeded one.  The requests are made once, in init(), so both runs
-- cost wrk the same.

local threads = 0

function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end

function init(args)
	reqs = {}
	for line in io.lines(os.getenv("BENCH_ACCESS")) do
		table.insert(reqs, wrk.format("GET", "/user-info",
		    { ["Authorization"] = "Bearer " .. line }))
	end
	-- Threads start at different places in the list.
	n = (id * 7919) % #reqs
end

function request()
	n = n % #reqs + 1
	return reqs[n]
end
