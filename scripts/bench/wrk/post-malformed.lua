-- wrk: cycle through malformed replicate bodies and content types; count answers by status
-- class so that any 5xx shows (thread-local counts are summed in done()).
local bodies = {
  {"application/json", ""},
  {"application/json", "{"},
  {"application/json", '{"zone":'},
  {"application/json", "[]"},
  {"application/json", "null"},
  {"application/json", '{"zone":42}'},
  {"application/json", '{"zone":null}'},
  {"application/json", "\0\255\254"},
  {"application/json", string.rep("[", 5000)},
  {"application/json", '{"zone":"de-fra-1"} trailing'},
  {"text/plain", '{"zone":"de-fra-1"}'},
  {"application/json", '{"zone":"' .. string.rep("x", 10000) .. '"}'},
}
local threads = {}
local i = 0
-- Plain numeric globals: wrk's thread:get() copies numbers and strings, not tables.
c2, c4, c5, other = 0, 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  i = i % #bodies + 1
  local b = bodies[i]
  return wrk.format("POST", nil, {["Content-Type"] = b[1]}, b[2])
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 200 and status < 300 then c2 = c2 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = {c2 = 0, c4 = 0, c5 = 0, other = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("statuses: 2xx %d, 4xx %d, 5xx %d, other %d\n", t.c2, t.c4, t.c5, t.other))
  io.write(string.format("5xx: %d\n", t.c5))
end
