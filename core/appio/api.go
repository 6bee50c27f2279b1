package appio

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"time"
)

// GetProfile asks IO whether the citizen can receive messages from this
// service (GET /profiles/{fiscal_code}). A citizen not on IO is the error
// ErrProfileNotFound (errors.Is); one who turned the service off is a
// Profile with SenderAllowed false. IO's rules: send only when the profile
// exists and SenderAllowed is true.
func (c *Client) GetProfile(ctx context.Context, fiscalCode string) (p Profile, err error) {
	start := time.Now()
	defer func() { c.logCall(ctx, opGetProfile, fiscalCode, start, err, profileAttrs(p, err)...) }()
	if err := ValidateFiscalCode(fiscalCode); err != nil {
		return Profile{}, err
	}
	a, err := c.call(ctx, opGetProfile, http.MethodGet, "/profiles/"+url.PathEscape(fiscalCode), nil)
	if err != nil {
		return Profile{}, err
	}
	return c.profile(opGetProfile, a)
}

// GetProfileByPost is GetProfile with the fiscal code in the body
// (POST /profiles), which keeps it out of URLs and so out of the access
// logs of proxies on the way. Same answers, same rate-limit cost.
func (c *Client) GetProfileByPost(ctx context.Context, fiscalCode string) (p Profile, err error) {
	start := time.Now()
	defer func() { c.logCall(ctx, opGetProfileByPost, fiscalCode, start, err, profileAttrs(p, err)...) }()
	if err := ValidateFiscalCode(fiscalCode); err != nil {
		return Profile{}, err
	}
	body, err := marshal(struct {
		FiscalCode string `json:"fiscal_code"`
	}{fiscalCode})
	if err != nil {
		return Profile{}, err
	}
	a, err := c.call(ctx, opGetProfileByPost, http.MethodPost, "/profiles", body)
	if err != nil {
		return Profile{}, err
	}
	return c.profile(opGetProfileByPost, a)
}

func profileAttrs(p Profile, err error) []slog.Attr {
	if err != nil {
		return nil
	}
	return []slog.Attr{slog.Bool("sender_allowed", p.SenderAllowed)}
}

func (c *Client) profile(op operation, a *answer) (Profile, error) {
	if a.status != http.StatusOK {
		return Profile{}, c.failure(op, a)
	}
	var w wireProfile
	if err := decodeJSON(op, a, &w); err != nil {
		return Profile{}, err
	}
	if w.SenderAllowed == nil {
		return Profile{}, &ResponseError{Op: op.name, Status: a.status, Err: errors.New("sender_allowed mancante")}
	}
	return Profile{SenderAllowed: *w.SenderAllowed, PreferredLanguages: w.PreferredLanguages}, nil
}

// SubmitMessage sends msg to the citizen and returns IO's message id.
// The fiscal code travels in the body (POST /messages), not in the URL.
// Nothing is sent when fiscalCode or msg is invalid (ValidationErrors).
// On failure check MaybeDelivered before anything else: a submission is
// not idempotent and IO cannot be asked whether it arrived.
func (c *Client) SubmitMessage(ctx context.Context, fiscalCode string, msg NewMessage) (id string, err error) {
	start := time.Now()
	defer func() {
		var attrs []slog.Attr
		if id != "" {
			attrs = append(attrs, slog.String("id", id))
		}
		c.logCall(ctx, opSubmitMessage, fiscalCode, start, err, attrs...)
	}()
	var v ValidationErrors
	v.fiscalCode(fiscalCode, "Codice fiscale", "fiscal_code")
	v.message(msg)
	if len(v) > 0 {
		return "", v
	}
	body, err := marshal(toWire(fiscalCode, msg))
	if err != nil {
		return "", err
	}
	a, err := c.call(ctx, opSubmitMessage, http.MethodPost, "/messages", body)
	if err != nil {
		return "", err
	}
	if a.status < 200 || a.status > 299 {
		return "", c.failure(opSubmitMessage, a)
	}
	return createdID(a)
}

// createdID reads the id of a created message from the body or, when the
// body is lost or unreadable, from Location (…/messages/{fiscal_code}/{id}).
func createdID(a *answer) (string, error) {
	var w struct {
		ID string `json:"id"`
	}
	err := decodeJSON(opSubmitMessage, a, &w)
	if err == nil && w.ID != "" && validateMessageID(w.ID) == nil {
		return w.ID, nil
	}
	if loc := a.header.Get("Location"); loc != "" {
		if u, perr := url.Parse(loc); perr == nil {
			if id := path.Base(u.Path); validateMessageID(id) == nil {
				return id, nil
			}
		}
	}
	if err == nil {
		err = &ResponseError{Op: opSubmitMessage.name, Status: a.status, Err: errors.New("nessun id nella risposta"), effect: true}
	}
	return "", err
}

// GetMessage reads a submitted message's status
// (GET /messages/{fiscal_code}/{id}). An unknown id, or one sent to
// another citizen, is ErrMessageNotFound; one sent by another service is
// ErrForbidden.
func (c *Client) GetMessage(ctx context.Context, fiscalCode, id string) (m MessageStatus, err error) {
	start := time.Now()
	defer func() {
		attrs := []slog.Attr{slog.String("id", id)}
		if err == nil {
			attrs = append(attrs, slog.String("status", string(m.Status)))
		}
		c.logCall(ctx, opGetMessage, fiscalCode, start, err, attrs...)
	}()
	var v ValidationErrors
	v.fiscalCode(fiscalCode, "Codice fiscale", "fiscal_code")
	if err := validateMessageID(id); err != nil {
		v = append(v, err.(ValidationErrors)...)
	}
	if len(v) > 0 {
		return MessageStatus{}, v
	}
	a, err := c.call(ctx, opGetMessage, http.MethodGet, "/messages/"+url.PathEscape(fiscalCode)+"/"+url.PathEscape(id), nil)
	if err != nil {
		return MessageStatus{}, err
	}
	if a.status != http.StatusOK {
		return MessageStatus{}, c.failure(opGetMessage, a)
	}
	var w wireMessageView
	if err := decodeJSON(opGetMessage, a, &w); err != nil {
		return MessageStatus{}, err
	}
	return w.status(), nil
}
