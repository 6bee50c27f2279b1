// Package widgets holds the building blocks every Sportello window is made
// of: the search panel with its lazy result table, the detail form, the
// lookup field, progress, confirmation and error dialogs.
//
// Widget handles are exported struct fields so that tests (of this package
// and of the screens built on it) can test.Tap and test.Type them.
// Work that may be slow runs off the UI goroutine and comes back through
// fyne.Do; the Wait methods let tests (never UI code) wait for it.
package widgets
