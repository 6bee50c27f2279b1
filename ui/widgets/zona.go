package widgets

import (
	"time"
	_ "time/tzdata" // Windows may lack the zone database
)

// Zone is the time zone every date and time is shown in: the clerks'
// (Italy), whatever the zone of the machine, so that the same record shows
// the same time in every window and on every PC.
var Zone = func() *time.Location {
	if z, err := time.LoadLocation("Europe/Rome"); err == nil {
		return z
	}
	return time.Local
}()
