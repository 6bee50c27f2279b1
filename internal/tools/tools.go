//go:build tools

// Package tools pins modules that packages under construction will import,
// so that parallel work does not race on go.mod. Removed once all are used.
package tools

import (
	_ "codeberg.org/go-pdf/fpdf"
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/canvas"
	_ "fyne.io/fyne/v2/container"
	_ "fyne.io/fyne/v2/data/binding"
	_ "fyne.io/fyne/v2/dialog"
	_ "fyne.io/fyne/v2/lang"
	_ "fyne.io/fyne/v2/layout"
	_ "fyne.io/fyne/v2/storage"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/theme"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/boombuler/barcode"
	_ "github.com/emersion/go-imap/v2"
	_ "github.com/emersion/go-smtp"
	_ "github.com/google/uuid"
	_ "github.com/oklog/ulid/v2"
	_ "github.com/wneessen/go-mail"
	_ "github.com/xuri/excelize/v2"
	_ "github.com/zalando/go-keyring"
	_ "golang.org/x/crypto/argon2"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
)
