// The original Go service's message path, timed the way bench/bench.c times
// heartbeat.h: build the Heartbeat struct from the clock and the token,
// json.Marshal it, hand the bytes to a no-op publish.
//
//	go run . [-reps 9] [-ms 20] [-quick]
//
// Standard library only. Prints, for bench.c --go FILE:
//
//	go_version go1.23.5
//	row ascii|hostile <median ns> <min ns> <max ns> <allocs per op>
//	sample ascii|hostile <hex of the first message>
//
// Times are process CPU time (getrusage: every thread, so the garbage
// collector's work is counted too), like bench.c's CLOCK_PROCESS_CPUTIME_ID.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"
)

// Heartbeat is the original Go service's message, field for field.
type Heartbeat struct {
	DeviceID  string    `json:"device_id"`
	Timestamp time.Time `json:"timestamp"`
	Status    string    `json:"status"`
	JWTToken  string    `json:"jwt_token"`
}

// StatusAlive is the original agent's status constant.
const StatusAlive = "1"

// The inputs of bench/bench.c, byte for byte.
const (
	idASCII = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	token   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
		"eyJhdWQiOiJoZWFydGJlYXQtZmxlZXQiLCJpYXQiOjE3NjQyNzIwMDIsImV4cCI6MTc2NDI3" +
		"NTYwMiwic3ViIjoiM2YyNTA0ZTAtNGY4In0." +
		"He5c6JUyp0vCJendHxfSFg3Iwmxu2n3djD5m3CyhJfA"
	idHostile = "dev\"ice\\<b>&" + "\x01\x1f\t\n" + "\xc3\xa9" + "\xe4\xb8\x96" +
		"\xf0\x9f\x98\x80" + "\xe2\x80\xa8" + "\xff" + "\xc0\xaf" + "\xed\xa0\x80" +
		"\xe2\x82" + "-end"
	sec0 = 1764272002
)

// clock is the C harness's clock: tick i is sec0 + i seconds and a
// nanosecond part that keeps changing.
type clock struct{ tick uint64 }

func (c *clock) now() time.Time {
	i := c.tick
	c.tick++
	return time.Unix(sec0+int64(i), int64((123456789+i*1000003)%1000000000)).UTC()
}

var sink int

//go:noinline
func publish(topic string, payload []byte, qos int) error {
	sink += len(payload) + int(payload[0])
	return nil
}

//go:noinline
func getToken() (string, error) { return token, nil }

type beat struct {
	clk clock
	id  string
}

// one is the original service's tick: message, marshal, publish.
func (b *beat) one() []byte {
	tok, err := getToken()
	if err != nil {
		return nil
	}
	msg := Heartbeat{DeviceID: b.id, Timestamp: b.clk.now(), Status: StatusAlive, JWTToken: tok}
	payload, err := json.Marshal(msg)
	if err != nil {
		return nil
	}
	if publish("devices/heartbeat", payload, 1) != nil {
		return nil
	}
	return payload
}

func (b *beat) run(n int) {
	for i := 0; i < n; i++ {
		b.one()
	}
}

func cpuNS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

func calibrate(b *beat, ms float64) int {
	n := 1
	for {
		t0 := cpuNS()
		b.run(n)
		dt := cpuNS() - t0
		if dt >= ms*1e6/8 || n >= 1<<30 {
			if dt < 1 {
				dt = 1
			}
			want := float64(n) * ms * 1e6 / dt
			if want < 1 {
				want = 1
			}
			return int(want)
		}
		n *= 2
	}
}

func main() {
	reps := flag.Int("reps", 9, "repetitions")
	ms := flag.Float64("ms", 20, "milliseconds per repetition")
	quick := flag.Bool("quick", false, "3 repetitions of 2 ms")
	flag.Parse()
	if *quick {
		*reps, *ms = 3, 2
	}
	if *reps < 1 {
		*reps = 1
	}
	fmt.Printf("go_version %s\n", runtime.Version())
	for _, in := range []struct{ name, id string }{{"ascii", idASCII}, {"hostile", idHostile}} {
		b := &beat{id: in.id}
		fmt.Printf("sample %s %s\n", in.name, hex.EncodeToString(b.one()))
		b.run(64)
		n := calibrate(b, *ms)
		t := make([]float64, *reps)
		for r := range t {
			t0 := cpuNS()
			b.run(n)
			t[r] = (cpuNS() - t0) / float64(n)
		}
		sort.Float64s(t)
		var m0, m1 runtime.MemStats
		k := 1000
		runtime.ReadMemStats(&m0)
		b.run(k)
		runtime.ReadMemStats(&m1)
		allocs := float64(m1.Mallocs-m0.Mallocs) / float64(k)
		fmt.Printf("row %s %.1f %.1f %.1f %.1f\n", in.name, t[len(t)/2], t[0], t[len(t)-1], allocs)
	}
	if sink == 0 {
		fmt.Fprintln(os.Stderr, "nothing published")
		os.Exit(1)
	}
}
