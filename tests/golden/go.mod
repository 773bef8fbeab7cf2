module heartbeat/tests/golden

go 1.22
