-- bench/wrk/requests.lua — GET requests from a file, in turn, for wrk 4.
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/requests.lua http://127.0.0.1:PORT -- FILE
-- FILE has one request a line: "PATH" (no authentication) or "PATH<TAB>TOKEN" (sent with
-- "Authorization: Bearer TOKEN"). Tokens stay in the file: a token on wrk's command line
-- (-H) would be readable by every user of the machine in the process list. The requests are
-- built once in init(), so an authenticated and an unauthenticated run cost wrk the same.
-- Each thread starts at a different line, so that with many lines the threads do not ask for
-- the same thing at the same moment. wrk prints its usual report; nothing is added.

local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

local requests = {}
local next_index = 0

function init(args)
    local file = args[1]
    if not file then error("usage: wrk ... -s requests.lua URL -- FILE") end
    for line in io.lines(file) do
        local path, token = line:match("^([^\t]+)\t?(.*)$")
        if path then
            local headers = {}
            if token ~= "" then headers["Authorization"] = "Bearer " .. token end
            requests[#requests + 1] = wrk.format("GET", path, headers)
        end
    end
    if #requests == 0 then error("no requests in " .. file) end
    next_index = ((thread_number or 1) - 1) * 7 % #requests
end

function request()
    next_index = next_index % #requests + 1
    return requests[next_index]
end
