package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/sportello/sportello/store"
)

// leaseKind is the kind of the jobs row that carries a named lease.
const leaseKind = "lease"

// ErrLeaseHeld: another live process holds the lease.
var ErrLeaseHeld = errors.New("lavoro già in corso in un altro processo su questo database")

// Lease is an exclusive, time-limited claim on a named task that several
// processes opening one database may start (the GUI's background registro
// sync and `sportello-cli pec sincronizza`). It is kept in a jobs row, with
// the same runner and expiry rules as a job's run: a holder that died on
// this host loses it at once, one on another host after its ttl.
type Lease struct {
	db     *store.DB
	id     int64
	uuid   string
	runner string
	ttl    time.Duration
	Holder string // with ErrLeaseHeld: the runner that holds it
}

// AcquireLease takes the lease name for ttl, or fails with ErrLeaseHeld.
func AcquireLease(ctx context.Context, db *store.DB, name string, ttl time.Duration) (*Lease, error) {
	l := &Lease{db: db, ttl: ttl, runner: fmt.Sprintf("%s/%d/%08x", hostname, os.Getpid(), rand.Uint32())}
	var holder string
	err := db.Write(ctx, "sistema", func(tx *store.Tx) error {
		list, err := tx.JobsByRef(ctx, leaseKind, name)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			u := uuid.NewString()
			id, err := tx.InsertJob(ctx, store.Job{UUID: u, Kind: leaseKind, Ref: name}, nil)
			if err != nil {
				return err
			}
			list = append(list, store.Job{ID: id, UUID: u})
		}
		j := list[0]
		if leaseLive(j, tx.Now) {
			holder = j.Runner
			return ErrLeaseHeld
		}
		l.id, l.uuid = j.ID, j.UUID
		return tx.SaveJobRun(ctx, j.ID, "running", l.runner, tx.Now.Add(ttl))
	})
	if errors.Is(err, ErrLeaseHeld) {
		return &Lease{Holder: holder}, err
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Renew extends the lease by its ttl; it fails with ErrLeaseHeld if the
// lease expired and another process took it meanwhile.
func (l *Lease) Renew(ctx context.Context) error {
	return l.db.Write(ctx, "sistema", func(tx *store.Tx) error {
		j, err := l.row(ctx, tx)
		if err != nil {
			return err
		}
		if j.Runner != l.runner && leaseLive(j, tx.Now) {
			return ErrLeaseHeld
		}
		return tx.SaveJobRun(ctx, l.id, "running", l.runner, tx.Now.Add(l.ttl))
	})
}

// Release gives the lease up (if still held).
func (l *Lease) Release(ctx context.Context) error {
	return l.db.Write(context.WithoutCancel(ctx), "sistema", func(tx *store.Tx) error {
		j, err := l.row(ctx, tx)
		if err != nil || j.Runner != l.runner {
			return err
		}
		return tx.SaveJobRun(ctx, l.id, "done", "", time.Time{})
	})
}

func (l *Lease) row(ctx context.Context, tx *store.Tx) (store.Job, error) {
	return tx.JobByUUID(ctx, l.uuid)
}
