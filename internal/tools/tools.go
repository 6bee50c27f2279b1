//go:build tools

// Package tools pins modules that later capabilities (payment notices, PEC)
// will import, so that parallel work does not race on go.mod. Each entry goes
// once a real package imports it.
package tools

import (
	_ "github.com/emersion/go-imap/v2"
	_ "github.com/emersion/go-smtp"
	_ "github.com/wneessen/go-mail"
)
