-- Loaded by the scripts whose wrk threads each take their own share:
-- setup() numbers the threads, and each thread's script sees its
-- number as id.

local threads = 0

function setup(thread)
	thread:set("id", threads)
	threads = threads + 1
end
