package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// snapshotAttempts is how many times readSnapshot tries to open its
// transactions on one snapshot before it reads on one connection.
const snapshotAttempts = 8

// readSnapshot runs fn with n read transactions on n connections of the
// reader pool that all see the same snapshot of the database, so that fn
// may run queries on them at the same time (on several cores) and still
// read one consistent state, as db.read gives on one connection.
//
// How it knows the snapshots are the same: in WAL mode a read transaction
// sees the database as of its first read, and every write commits at least
// one audit_log entry (db.write refuses to commit without one; migrations
// run before the pool opens). Each transaction's first read is the last
// audit entry's ID: equal IDs mean that no write committed between the
// first snapshot and the last, so all see the same state. When a write
// slips in between, the transactions are dropped and taken again; after
// snapshotAttempts tries (a busy writer), fn gets the same transaction n
// times, which is correct, only not parallel.
func (db *DB) readSnapshot(ctx context.Context, n int, fn func(qs []queryer) error) error {
	if n < 1 || n > readers {
		return fmt.Errorf("readSnapshot: %d connections (pool of %d)", n, readers)
	}
	for attempt := 0; attempt < snapshotAttempts; attempt++ {
		txs, same, err := db.beginSnapshot(ctx, n)
		if err != nil {
			return err
		}
		if same {
			qs := make([]queryer, n)
			for i, tx := range txs {
				qs[i] = tx
			}
			err := fn(qs)
			rollbackAll(txs)
			return err
		}
		rollbackAll(txs)
	}
	return db.read(ctx, func(q queryer) error {
		qs := make([]queryer, n)
		for i := range qs {
			qs[i] = q
		}
		return fn(qs)
	})
}

// beginSnapshot begins n read transactions and reports whether they see the
// same snapshot (readSnapshot).
func (db *DB) beginSnapshot(ctx context.Context, n int) (txs []*sql.Tx, same bool, err error) {
	var first int64
	same = true
	for i := 0; i < n; i++ {
		tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			rollbackAll(txs)
			return nil, false, err
		}
		txs = append(txs, tx)
		var last int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM audit_log").Scan(&last); err != nil {
			rollbackAll(txs)
			return nil, false, err
		}
		if i == 0 {
			first = last
			if snapshotBetween != nil {
				snapshotBetween()
			}
		} else if last != first {
			same = false
		}
	}
	return txs, same, nil
}

// snapshotBetween, when set (by tests), runs between the first transaction
// of beginSnapshot and the next ones: where a write may slip in.
var snapshotBetween func()

func rollbackAll(txs []*sql.Tx) {
	for _, tx := range txs {
		_ = tx.Rollback()
	}
}
