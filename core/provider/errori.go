package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinels to test with errors.Is.
var (
	// ErrNonTrovato is a 404: no such owner, mailbox, domain.
	ErrNonTrovato = errors.New("provider: record non trovato")
	// ErrGiaPresente is a 409 on create: the address, owner or domain
	// exists already.
	ErrGiaPresente = errors.New("provider: record già presente")
	// ErrConflitto is a 409 on a stale version (or a status that no longer
	// allows the change): errors.As gives the *ErroreConflitto with the
	// provider's current record.
	ErrConflitto = errors.New("provider: il record è stato modificato dal provider")
	// ErrCursoreScaduto is a 410 on the feed: the provider's history was
	// reset, read it again from the beginning ("").
	ErrCursoreScaduto = errors.New("provider: cursore dei cambiamenti non più valido")
)

// ErroreProvider is an answer the provider refused, or no answer at all
// (Status 0: network error, in Causa).
type ErroreProvider struct {
	Status    int
	Titolo    string
	Dettaglio string
	// RetryAfter is the server's hint on a 429 or 503.
	RetryAfter time.Duration
	Causa      error
}

func (e *ErroreProvider) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("provider non raggiungibile: %v", e.Causa)
	}
	msg := fmt.Sprintf("provider: HTTP %d", e.Status)
	if e.Titolo != "" {
		msg += " " + e.Titolo
	}
	if e.Dettaglio != "" {
		msg += ": " + e.Dettaglio
	}
	return msg
}

func (e *ErroreProvider) Unwrap() error { return e.Causa }

// Is matches ErrNonTrovato on a 404, ErrGiaPresente on a 409 and
// ErrCursoreScaduto on a 410.
func (e *ErroreProvider) Is(target error) bool {
	switch target {
	case ErrNonTrovato:
		return e.Status == http.StatusNotFound
	case ErrGiaPresente:
		return e.Status == http.StatusConflict
	case ErrCursoreScaduto:
		return e.Status == http.StatusGone
	}
	return false
}

// Temporaneo says whether trying again later may succeed: network errors,
// 429 and 5xx.
func (e *ErroreProvider) Temporaneo() bool {
	return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// ErroreConflitto is a 409 about a record the provider changed: the
// client's version is stale (or its status no longer allows the change).
// The current record is in Titolare or Casella (by Entita), and raw in
// Corrente.
type ErroreConflitto struct {
	Dettaglio string
	Entita    string // owner, account
	Corrente  json.RawMessage
	Titolare  *Titolare
	Casella   *Casella
}

func (e *ErroreConflitto) Error() string {
	return "provider: conflitto di versione: " + e.Dettaglio
}

// Is matches ErrConflitto.
func (e *ErroreConflitto) Is(target error) bool { return target == ErrConflitto }

// VersioneCorrente is the provider's version of the record, 0 if unknown.
func (e *ErroreConflitto) VersioneCorrente() int64 {
	switch {
	case e.Titolare != nil:
		return e.Titolare.Versione
	case e.Casella != nil:
		return e.Casella.Versione
	}
	return 0
}

// Offline says whether err means the provider is unreachable or out of
// service (network error or 503): the change stays queued, and the
// status bar shows "offline".
func Offline(err error) bool {
	var e *ErroreProvider
	return errors.As(err, &e) && (e.Status == 0 || e.Status == http.StatusServiceUnavailable)
}

// Temporaneo says whether err is worth retrying later with backoff.
func Temporaneo(err error) bool {
	var e *ErroreProvider
	return errors.As(err, &e) && e.Temporaneo()
}
