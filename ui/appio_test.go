package ui

import (
	"testing"
	"time"

	"github.com/sportello/sportello/ui/widgets"
)

func TestFiltriComuni(t *testing.T) {
	byName := map[string]int64{"TARI - Tassa rifiuti": 3}
	for nome, want := range map[string]int64{"": 0, "TARI - Tassa rifiuti": 3, "Servizio cancellato": -1} {
		if got := idFiltro(byName, nome); got != want {
			t.Errorf("idFiltro(%q) = %d, want %d", nome, got, want)
		}
	}
	// "Data a" includes the whole day, in Italy's time.
	dal, al := intervallo(widgets.Filter{"dal": "2026-03-28", "al": "2026-03-29"})
	if want := time.Date(2026, 3, 28, 0, 0, 0, 0, widgets.Zone); !dal.Equal(want) {
		t.Errorf("dal = %v, want %v", dal, want)
	}
	if want := time.Date(2026, 3, 30, 0, 0, 0, 0, widgets.Zone); !al.Equal(want) || al.Sub(dal) != 47*time.Hour {
		t.Errorf("al = %v, want %v (the night of the clock change is 23 h)", al, want)
	}
	if dal, al := intervallo(widgets.Filter{}); !dal.IsZero() || !al.IsZero() {
		t.Errorf("empty filter: %v %v", dal, al)
	}
}
