package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/amisjury/amis/exam"
)

// Tx is a write transaction handed out by DB.write. Besides the *sql.Tx it
// carries the acting user, whom every audit entry names.
type Tx struct {
	*sql.Tx
	ctx     context.Context
	db      *DB
	actor   exam.Actor
	audited int
}

// write runs fn in one IMMEDIATE transaction on the writer connection and
// commits if fn succeeds; fn must record at least one audit entry, so that no
// change escapes the log. It is the only way this package writes data.
//
// On a read-only database it returns ErrReadOnly before anything else; a
// disk found full (SQLITE_FULL) gives ErrDiskFull, the transaction rolled
// back.
func (db *DB) write(ctx context.Context, a exam.Actor, fn func(tx *Tx) error) (err error) {
	if db.ReadOnly() {
		return db.readOnlyError()
	}
	stx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", db.diskFull(err))
	}
	committed := false
	defer func() {
		if !committed {
			_ = stx.Rollback()
		}
	}()
	tx := &Tx{Tx: stx, ctx: ctx, db: db, actor: a}
	if err := fn(tx); err != nil {
		return db.diskFull(err)
	}
	if tx.audited == 0 {
		return errors.New("write without an audit entry")
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.diskFull(err))
	}
	committed = true
	return nil
}

// now is the clock of the transaction's timestamps, in UTC.
func (tx *Tx) now() time.Time { return tx.db.now().UTC() }

// auditEntry is one row of audit_log.
type auditEntry struct {
	ID        int64
	At        string
	ActorID   int64
	ActorName string
	ActorRole string
	Action    string
	Entity    string
	EntityID  int64
	OldJSON   string
	NewJSON   string
	PrevHash  string
	Hash      string
}

// hash returns hex(sha256(prev_hash || canonical encoding of the other
// fields)); the canonical encoding writes each field as a netstring
// ("<byte length>:<bytes>,"), integers in decimal, in column order.
func (e *auditEntry) hash() string {
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	for _, f := range []string{
		strconv.FormatInt(e.ID, 10), e.At, strconv.FormatInt(e.ActorID, 10), e.ActorName, e.ActorRole,
		e.Action, e.Entity, strconv.FormatInt(e.EntityID, 10), e.OldJSON, e.NewJSON,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
		h.Write([]byte{','})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends an entry to the audit log, chained to the previous one: what
// the actor did (action, e.g. "candidate.update") to which entity, with the
// entity's value before and after as JSON (nil gives null).
func (tx *Tx) audit(action, entity string, entityID int64, old, new any) error {
	oldJSON, err := json.Marshal(old)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	newJSON, err := json.Marshal(new)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	e := auditEntry{
		At:        tx.now().Format(time.RFC3339Nano),
		ActorID:   tx.actor.UserID,
		ActorName: tx.actor.Name,
		ActorRole: string(tx.actor.Role),
		Action:    action,
		Entity:    entity,
		EntityID:  entityID,
		OldJSON:   string(oldJSON),
		NewJSON:   string(newJSON),
	}
	// The writer holds the database's write lock, so the last entry cannot
	// change between this read and the insert.
	err = tx.QueryRowContext(tx.ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&e.ID, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	e.ID++
	e.Hash = e.hash()
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO audit_log
		(id, at, actor_id, actor_name, actor_role, action, entity, entity_id, old_json, new_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, e.ActorID, e.ActorName, e.ActorRole, e.Action, e.Entity, e.EntityID, e.OldJSON, e.NewJSON, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	tx.audited++
	return nil
}

// VerifyAudit walks the audit log's hash chain and returns the ID of the
// first entry that was altered, inserted or follows a removed one; 0 when the
// chain is intact. Removing the most recent entries cannot be detected from
// the chain alone: backups keep the head.
func (db *DB) VerifyAudit(ctx context.Context) (brokenAt int64, err error) {
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("verify audit log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, actor_role, action, entity, entity_id,
		old_json, new_json, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		var e auditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.Entity, &e.EntityID,
			&e.OldJSON, &e.NewJSON, &e.PrevHash, &e.Hash); err != nil {
			return 0, fmt.Errorf("verify audit log: %w", err)
		}
		if e.PrevHash != prev || e.hash() != e.Hash {
			return e.ID, nil
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("verify audit log: %w", err)
	}
	return 0, nil
}

// auditRecord is one entry of the audit log as read back.
type auditRecord struct {
	ID       int64
	At       time.Time
	Actor    exam.Actor
	Action   string
	Entity   string
	EntityID int64
	// Old and New are the entity's JSON before and after ("null" when none).
	Old, New json.RawMessage
}

// auditRecords returns the audit entries about one entity (entityID 0: all
// entries about that kind of entity), oldest first. Unexported until a
// permission guards who may read the log, which holds personal data.
func (db *DB) auditRecords(ctx context.Context, entity string, entityID int64) ([]auditRecord, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, actor_role, action, entity, entity_id,
		old_json, new_json FROM audit_log WHERE entity = ? AND (? = 0 OR entity_id = ?) ORDER BY id`, entity, entityID, entityID)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []auditRecord
	for rows.Next() {
		var e auditRecord
		var at, role, old, new string
		if err := rows.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.Name, &role, &e.Action, &e.Entity, &e.EntityID, &old, &new); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		e.Actor.Role = exam.Role(role)
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read audit log: entry %d: %w", e.ID, err)
		}
		e.Old, e.New = json.RawMessage(old), json.RawMessage(new)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
