package sandbox

import (
	"strconv"
	"time"
)

// Message status values (MessageStatusValue).
const (
	statusAccepted  = "ACCEPTED"
	statusThrottled = "THROTTLED"
	statusFailed    = "FAILED"
	statusProcessed = "PROCESSED"
	statusRejected  = "REJECTED"
)

// ioFate is everything that will happen to a message, decided when it is
// accepted and stored with it: answers are computed from it and the clock,
// with no goroutine or timer per message, and stay the same after a
// restart even with another seed or delay.
type ioFate struct {
	Final     string    `json:"final"`      // PROCESSED, REJECTED or FAILED
	SettledAt time.Time `json:"settled_at"` // ACCEPTED until then
	// ThrottledUntil: THROTTLED from SettledAt until then, then PROCESSED.
	ThrottledUntil time.Time `json:"throttled_until,omitzero"`
	// Final notification statuses; "" when the channel is not used.
	Email                 string    `json:"email,omitempty"`
	Webhook               string    `json:"webhook,omitempty"`
	WebhookThrottledUntil time.Time `json:"webhook_throttled_until,omitzero"`
	// ReadAt is when the citizen opens it; zero: never.
	ReadAt          time.Time `json:"read_at,omitzero"`
	ReadUnavailable bool      `json:"read_unavailable,omitempty"` // citizen hides read status
	PaidAt          time.Time `json:"paid_at,omitzero"`           // zero: never paid
}

// decideFate derives m's fate from the seed, the recipient and the
// content; copy is how many identical messages came before, so a resent
// message may fare differently from the first one.
func decideFate(seed int64, d time.Duration, m *ioMessage, copy int) ioFate {
	base := m.fingerprint() + "/" + strconv.Itoa(copy)
	roll := func(label string) uint64 { return hash64(seed, "fate/"+label, base) % 1000 }
	f := ioFate{SettledAt: m.CreatedAt.Add(d)}
	if citizenKind(seed, m.FiscalCode) != CitizenEnabled {
		f.Final = statusRejected
		return f
	}
	if roll("failed") < 10 {
		f.Final = statusFailed
		return f
	}
	f.Final = statusProcessed
	inbox := f.SettledAt
	if roll("throttled") < 20 && d > 0 {
		f.ThrottledUntil = f.SettledAt.Add(2 * d)
		inbox = f.ThrottledUntil
	}
	secure := m.Content.RequireSecureChannels != nil && *m.Content.RequireSecureChannels
	if hash64(seed, "email", m.FiscalCode)%100 < 90 && !secure {
		switch r := roll("email"); {
		case r < 920:
			f.Email = "SENT"
		case r < 970:
			f.Email = "EXPIRED"
		default:
			f.Email = "FAILED"
		}
	}
	switch r := roll("webhook"); {
	case r < 950:
		f.Webhook = "SENT"
	case r < 980:
		f.Webhook = "SENT"
		f.WebhookThrottledUntil = inbox.Add(3 * d)
	default:
		f.Webhook = "FAILED"
	}
	if hash64(seed, "readperm", m.FiscalCode)%100 < 10 {
		f.ReadUnavailable = true
	} else if roll("read") < 700 {
		f.ReadAt = inbox.Add(d * time.Duration(1+roll("readdelay")%5))
	}
	if m.Content.PaymentData != nil && roll("paid") < 500 {
		f.PaidAt = inbox.Add(d * time.Duration(2+roll("paiddelay")%7))
	}
	return f
}

func (f *ioFate) status(now time.Time) string {
	switch {
	case now.Before(f.SettledAt):
		return statusAccepted
	case f.Final == statusProcessed && now.Before(f.ThrottledUntil):
		return statusThrottled
	}
	return f.Final
}

func (f *ioFate) notification(now time.Time) ioNotification {
	n := ioNotification{Email: f.Email, Webhook: f.Webhook}
	if n.Webhook != "" && now.Before(f.WebhookThrottledUntil) {
		n.Webhook = "THROTTLED"
	}
	return n
}

func (f *ioFate) readStatus(now time.Time, status string) string {
	switch {
	case f.ReadUnavailable:
		return "UNAVAILABLE"
	case status == statusProcessed && !f.ReadAt.IsZero() && !now.Before(f.ReadAt):
		return "READ"
	}
	return "UNREAD"
}

func (f *ioFate) paymentStatus(now time.Time, status string) string {
	if status == statusProcessed && !f.PaidAt.IsZero() && !now.Before(f.PaidAt) {
		return "PAID"
	}
	return "NOT_PAID"
}
