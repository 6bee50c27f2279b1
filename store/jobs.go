package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Queries of the job engine (core/jobs). Item transitions are not audited
// (the items table is their history); what operators do to a job is.

// jobTimeLayout is RFC 3339 with a fixed nine-digit fraction, so that job
// times compare and sort correctly as text (time.RFC3339Nano trims zeros).
const jobTimeLayout = "2006-01-02T15:04:05.000000000Z"

func jobTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(jobTimeLayout)
}

func parseJobTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Job is a row of jobs.
type Job struct {
	ID         int64
	UUID       string
	Kind       string
	Ref        string
	State      string
	Operatore  string
	Total      int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Runner     string
	LeaseUntil time.Time
}

// JobItem is a row of job_items.
type JobItem struct {
	ID        int64
	Key       string
	State     string
	Attempts  int
	NextTry   time.Time
	LastError string
	Result    string
	UpdatedAt time.Time
}

// JobOutcome is the new state of an item claimed by a run. The update
// applies only if the item is still in_flight with Claimed attempts, so a
// run that lost its lease cannot overwrite what another run decided.
type JobOutcome struct {
	ID        int64
	Claimed   int
	State     string
	Attempts  int
	NextTry   time.Time
	LastError string
	Result    string
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const jobCols = `id, uuid, kind, ref, state, operatore, total, created_at, updated_at, runner, lease_until`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var created, updated, lease string
	err := row.Scan(&j.ID, &j.UUID, &j.Kind, &j.Ref, &j.State, &j.Operatore, &j.Total, &created, &updated, &j.Runner, &lease)
	if err == sql.ErrNoRows {
		return j, ErrNotFound
	}
	j.CreatedAt, j.UpdatedAt, j.LeaseUntil = parseJobTime(created), parseJobTime(updated), parseJobTime(lease)
	return j, err
}

func jobByUUID(ctx context.Context, q querier, uuid string) (Job, error) {
	return scanJob(q.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE uuid = ?`, uuid))
}

// JobByUUID reads a job.
func (db *DB) JobByUUID(ctx context.Context, uuid string) (Job, error) {
	return jobByUUID(ctx, db.r, uuid)
}

// JobByUUID reads a job inside the transaction (which, being immediate, holds the write lock).
func (tx *Tx) JobByUUID(ctx context.Context, uuid string) (Job, error) {
	return jobByUUID(ctx, tx.Tx, uuid)
}

func queryJobs(ctx context.Context, q querier, where string, args ...any) ([]Job, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// JobsInState lists the jobs in any of the given states, oldest first.
func (db *DB) JobsInState(ctx context.Context, states ...string) ([]Job, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = s
	}
	return queryJobs(ctx, db.r, `state IN (`+bindVars(len(states))+`)`, args...)
}

// JobsByRef lists the jobs of a kind about one reference (e.g. a flow), oldest first.
func (db *DB) JobsByRef(ctx context.Context, kind, ref string) ([]Job, error) {
	return queryJobs(ctx, db.r, `kind = ? AND ref = ?`, kind, ref)
}

// JobsByRef lists, inside the transaction, the jobs of a kind about one reference.
func (tx *Tx) JobsByRef(ctx context.Context, kind, ref string) ([]Job, error) {
	return queryJobs(ctx, tx.Tx, `kind = ? AND ref = ?`, kind, ref)
}

// jobInsertRows is how many items go in one multi-row INSERT (3 parameters
// each, well below SQLite's limit of 32766).
const jobInsertRows = 500

// InsertJob creates a job in state pending with one pending item per key,
// and audits its creation. Keys must be unique (ErrDuplicate otherwise).
func (tx *Tx) InsertJob(ctx context.Context, j Job, keys []string) (int64, error) {
	now := jobTime(tx.Now)
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (uuid, kind, ref, state, operatore, total, created_at, updated_at)
		VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`, j.UUID, j.Kind, j.Ref, tx.Operator, len(keys), now, now)
	if isUniqueViolation(err) {
		return 0, ErrDuplicate
	}
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	var stmt *sql.Stmt
	args := make([]any, 0, 3*jobInsertRows)
	for start := 0; start < len(keys); start += jobInsertRows {
		chunk := keys[start:min(start+jobInsertRows, len(keys))]
		args = args[:0]
		for _, k := range chunk {
			args = append(args, id, k, now)
		}
		q := `INSERT INTO job_items (job_id, item_key, state, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, 'pending', ?), `, len(chunk)), ", ")
		if len(chunk) == jobInsertRows {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return 0, err
				}
				defer stmt.Close()
			}
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if isUniqueViolation(err) {
			return 0, ErrDuplicate
		}
		if err != nil {
			return 0, err
		}
	}
	return id, tx.Audit(ctx, "job", j.UUID, Crea, Diff(nil, map[string]string{
		"tipo": j.Kind, "riferimento": j.Ref, "elementi": strconv.Itoa(len(keys))}))
}

// SaveJobRun records the state of a job and the lease of the run working on it
// (runner "" and a zero time release it). Not audited: this is the engine at work.
func (tx *Tx) SaveJobRun(ctx context.Context, id int64, state, runner string, leaseUntil time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, runner = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
		state, runner, jobTime(leaseUntil), jobTime(tx.Now), id)
	return err
}

// ChangeJobState is an operator's decision on a job (pause, cancel, re-open):
// it is audited.
func (tx *Tx) ChangeJobState(ctx context.Context, j Job, state string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?`, state, jobTime(tx.Now), j.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, "job", j.UUID, Modifica, []FieldChange{{Field: "stato", Before: j.State, After: state}})
}

func jobItemCounts(ctx context.Context, q querier, jobID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT state, COUNT(*) FROM job_items WHERE job_id = ? GROUP BY state`, jobID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// JobItemCounts counts the items of a job per state.
func (db *DB) JobItemCounts(ctx context.Context, jobID int64) (map[string]int, error) {
	return jobItemCounts(ctx, db.r, jobID)
}

// JobItemCounts counts the items of a job per state inside the transaction.
func (tx *Tx) JobItemCounts(ctx context.Context, jobID int64) (map[string]int, error) {
	return jobItemCounts(ctx, tx.Tx, jobID)
}

const jobItemCols = `id, item_key, state, attempts, next_try_at, last_error, result, updated_at`

func scanJobItems(rows *sql.Rows, err error) ([]JobItem, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobItem
	for rows.Next() {
		var it JobItem
		var next, updated string
		if err := rows.Scan(&it.ID, &it.Key, &it.State, &it.Attempts, &next, &it.LastError, &it.Result, &updated); err != nil {
			return nil, err
		}
		it.NextTry, it.UpdatedAt = parseJobTime(next), parseJobTime(updated)
		out = append(out, it)
	}
	return out, rows.Err()
}

// JobItems pages through the items of a job, in one state or (state "") in
// all. Within a state the order is the queue's: next try, then creation
// (settled items have no next try); across states it is by key. Both orders
// are read from an index, never sorted.
func (db *DB) JobItems(ctx context.Context, jobID int64, state string, offset, limit int) ([]JobItem, error) {
	if state == "" {
		return scanJobItems(db.r.QueryContext(ctx, `SELECT `+jobItemCols+` FROM job_items WHERE job_id = ?
			ORDER BY item_key LIMIT ? OFFSET ?`, jobID, limit, offset))
	}
	return scanJobItems(db.r.QueryContext(ctx, `SELECT `+jobItemCols+` FROM job_items WHERE job_id = ? AND state = ?
		ORDER BY next_try_at, id LIMIT ? OFFSET ?`, jobID, state, limit, offset))
}

// JobItemsInState lists, inside the transaction, the items of a job in one state.
func (tx *Tx) JobItemsInState(ctx context.Context, jobID int64, state string) ([]JobItem, error) {
	return scanJobItems(tx.QueryContext(ctx, `SELECT `+jobItemCols+` FROM job_items WHERE job_id = ? AND state = ?
		ORDER BY next_try_at, id`, jobID, state))
}

// ClaimJobItems marks in_flight (one more attempt) up to limit pending items
// of a job that are due at now, first due first, and returns them as claimed.
func (tx *Tx) ClaimJobItems(ctx context.Context, jobID int64, now time.Time, limit int) ([]JobItem, error) {
	items, err := scanJobItems(tx.QueryContext(ctx, `SELECT `+jobItemCols+` FROM job_items
		WHERE job_id = ? AND state = 'pending' AND next_try_at <= ? ORDER BY next_try_at, id LIMIT ?`, jobID, jobTime(now), limit))
	if err != nil || len(items) == 0 {
		return nil, err
	}
	args := make([]any, 0, len(items)+1)
	args = append(args, jobTime(tx.Now))
	for i := range items {
		args = append(args, items[i].ID)
		items[i].State = "in_flight"
		items[i].Attempts++
	}
	_, err = tx.ExecContext(ctx, `UPDATE job_items SET state = 'in_flight', attempts = attempts + 1, updated_at = ?
		WHERE id IN (`+bindVars(len(items))+`)`, args...)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].UpdatedAt = tx.Now
	}
	return items, tx.reportItems(ctx, items)
}

// SaveJobOutcomes applies outcomes of claimed items and reports how many
// applied (see JobOutcome for the guard). One UPDATE … FROM (VALUES …) per
// 128 outcomes (SQLite ≥ 3.33 and PostgreSQL both name the VALUES columns
// column1, column2, …) is a third faster than one UPDATE per outcome.
func (tx *Tx) SaveJobOutcomes(ctx context.Context, outs []JobOutcome) (int, error) {
	now := jobTime(tx.Now)
	applied := 0
	const per = 128 // 7 parameters each
	for start := 0; start < len(outs); start += per {
		chunk := outs[start:min(start+per, len(outs))]
		args := make([]any, 0, 7*len(chunk)+1)
		args = append(args, now)
		for _, o := range chunk {
			args = append(args, o.ID, o.Claimed, o.State, o.Attempts, jobTime(o.NextTry), o.LastError, o.Result)
		}
		q := `UPDATE job_items SET state = v.column3, attempts = v.column4, next_try_at = v.column5, last_error = v.column6,
			result = v.column7, updated_at = ? FROM (VALUES ` + strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?), `, len(chunk)), ", ") +
			`) AS v WHERE job_items.id = v.column1 AND job_items.state = 'in_flight' AND job_items.attempts = v.column2`
		n, err := tx.updateItems(ctx, q, args)
		if err != nil {
			return applied, err
		}
		applied += n
	}
	return applied, nil
}

// MoveJobItems moves every item of a job from one state to another (e.g.
// pending to cancelled); a non-empty lastError replaces the item's.
func (tx *Tx) MoveJobItems(ctx context.Context, jobID int64, from, to, lastError string) (int, error) {
	return tx.updateItems(ctx, `UPDATE job_items SET state = ?, next_try_at = '',
		last_error = CASE WHEN ? = '' THEN last_error ELSE ? END, updated_at = ? WHERE job_id = ? AND state = ?`,
		[]any{to, lastError, lastError, jobTime(tx.Now), jobID, from})
}

// updateItems runs an UPDATE of job_items and reports how many rows it
// changed; with an OnJobItems hook it also reads them back (RETURNING, in
// SQLite ≥ 3.35 and PostgreSQL alike) and reports them.
func (tx *Tx) updateItems(ctx context.Context, q string, args []any) (int, error) {
	if tx.itemHook == nil {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		return int(n), err
	}
	items, err := scanJobItems(tx.QueryContext(ctx, q+` RETURNING `+jobItemCols, args...))
	if err != nil {
		return 0, err
	}
	return len(items), tx.reportItems(ctx, items)
}

// RequeueJobItems puts back in the queue, with a fresh attempt count, the
// items of a job that are in one of the states from: those with the given
// keys, or all of them when keys is nil. It audits how many were re-queued.
func (tx *Tx) RequeueJobItems(ctx context.Context, j Job, keys []string, from ...string) (int, error) {
	if len(from) == 0 || (keys != nil && len(keys) == 0) {
		return 0, nil
	}
	base := `UPDATE job_items SET state = 'pending', attempts = 0, next_try_at = '', updated_at = ?
		WHERE job_id = ? AND state IN (` + bindVars(len(from)) + `)`
	args := []any{jobTime(tx.Now), j.ID}
	for _, s := range from {
		args = append(args, s)
	}
	total := 0
	run := func(q string, args []any) error {
		n, err := tx.updateItems(ctx, q, args)
		total += n
		return err
	}
	if keys == nil {
		if err := run(base, args); err != nil {
			return total, err
		}
	}
	for start := 0; start < len(keys); start += jobInsertRows {
		chunk := keys[start:min(start+jobInsertRows, len(keys))]
		a := append([]any(nil), args...)
		for _, k := range chunk {
			a = append(a, k)
		}
		if err := run(base+` AND item_key IN (`+bindVars(len(chunk))+`)`, a); err != nil {
			return total, err
		}
	}
	if total == 0 {
		return 0, nil
	}
	return total, tx.Audit(ctx, "job", j.UUID, Modifica, []FieldChange{{Field: "elementi_rimessi_in_coda", After: strconv.Itoa(total)}})
}

// NextJobTry is the earliest next-try time among the pending items of a job;
// ok is false when none is pending. A zero time means "due now".
func (tx *Tx) NextJobTry(ctx context.Context, jobID int64) (t time.Time, ok bool, err error) {
	var s sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT MIN(next_try_at) FROM job_items WHERE job_id = ? AND state = 'pending'`, jobID).Scan(&s)
	if err != nil || !s.Valid {
		return time.Time{}, false, err
	}
	return parseJobTime(s.String), true, nil
}

func bindVars(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
