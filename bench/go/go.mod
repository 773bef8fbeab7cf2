module heartbeat/bench/go

go 1.22
