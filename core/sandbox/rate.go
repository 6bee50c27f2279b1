package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is a call budget per account: at most N calls in any window Per
// long (sliding window). The zero value means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// DefaultRate is the App IO gateway's default policy: 150 calls every 5 s.
var DefaultRate = Rate{N: 150, Per: 5 * time.Second}

// Off reports whether r imposes no limit.
func (r Rate) Off() bool { return r.N <= 0 || r.Per <= 0 }

func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	return strconv.Itoa(r.N) + "/" + shortDuration(r.Per)
}

// ParseRate reads "150/5s", "30/s", "1000/1m" or "off".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "off", "none", "0":
		return Rate{}, nil
	}
	bad := func(why string) (Rate, error) {
		return Rate{}, fmt.Errorf("limite di chiamate %q non valido: %s (atteso N/DURATA, es. 150/5s, oppure off)", s, why)
	}
	ns, per, ok := strings.Cut(s, "/")
	if !ok {
		return bad("manca la barra")
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n <= 0 {
		return bad("il numero di chiamate deve essere un intero positivo")
	}
	per = strings.TrimSpace(per)
	if per != "" && (per[0] < '0' || per[0] > '9') {
		per = "1" + per // "30/s"
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return bad("la durata deve essere positiva, es. 5s o 1m")
	}
	return Rate{N: n, Per: d}, nil
}

func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// limiter keeps, per account, the times of the calls allowed in the last window.
type limiter struct {
	mu   sync.Mutex
	rate Rate
	hits map[string][]time.Time
}

func newLimiter(r Rate) *limiter { return &limiter{rate: r, hits: map[string][]time.Time{}} }

// allow records a call of account at now. When refused, retryAfter is the
// wait until the oldest call in the window leaves it.
func (l *limiter) allow(account string, now time.Time) (ok bool, remaining int, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.hits[account]
	cut := now.Add(-l.rate.Per)
	i := 0
	for i < len(q) && !q[i].After(cut) {
		i++
	}
	q = q[i:]
	if len(q) >= l.rate.N {
		l.hits[account] = q
		return false, 0, q[0].Add(l.rate.Per).Sub(now)
	}
	q = append(q, now)
	l.hits[account] = q
	return true, l.rate.N - len(q), 0
}

func (l *limiter) reset() {
	l.mu.Lock()
	l.hits = map[string][]time.Time{}
	l.mu.Unlock()
}

// retryAfterSeconds rounds up to whole seconds, at least 1, as the gateway does.
func retryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
