// Package tabelle writes tabular exports (Excel .xlsx and CSV) row by row,
// in constant memory, with spreadsheet formula injection neutralised.
// It must not depend on Fyne: the CLI and background jobs use it too.
package tabelle
