-- Schema 4: privacy (docs/privacy.md). The settings of the app kept in the
-- database (the retention period), the archive of signed procès-verbaux,
-- and the purge's way through the lock of signed sessions. Runs in one
-- transaction with PRAGMA user_version = 4.

-- Settings shared by every user of the database: one row per key, the
-- value as text; a key without a row has its default (in the code).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY CHECK (key <> ''),
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- A signed PV as it stood when a purge was about to remove candidates from
-- its session: the PDF of storage/pdf.WriteMinutes, its SHA-256 (also in
-- the audit entry of the purge), how many amendments and candidates it
-- shows. A later purge archives the session again only if it was amended
-- since. Never changed, never removed.
CREATE TABLE minutes_archive (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id    INTEGER NOT NULL REFERENCES sessions (id),
    archived_at   TEXT NOT NULL,
    amendments    INTEGER NOT NULL CHECK (amendments >= 0),
    registrations INTEGER NOT NULL CHECK (registrations >= 0),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    pdf           BLOB NOT NULL
) STRICT;

CREATE INDEX minutes_archive_session ON minutes_archive (session_id);

CREATE TRIGGER minutes_archive_insert BEFORE INSERT ON minutes_archive
WHEN (SELECT signed_at = '' OR kind <> 'certification' FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'only the signed minutes of a certification session are archived'); END;
CREATE TRIGGER minutes_archive_no_update BEFORE UPDATE ON minutes_archive
BEGIN SELECT RAISE(ABORT, 'minutes_archive is append-only'); END;
CREATE TRIGGER minutes_archive_no_delete BEFORE DELETE ON minutes_archive
BEGIN SELECT RAISE(ABORT, 'minutes_archive is append-only'); END;

-- The purge's flag, the twin of amending: set to 1 on a signed session only
-- inside the purge's transaction, back to 0 before it commits. Not listed in
-- sessions_locked_update, so it may change on a signed session; a signed
-- certification session may raise it only once its PV is archived.
ALTER TABLE sessions ADD COLUMN purging INTEGER NOT NULL DEFAULT 0 CHECK (purging IN (0, 1));

CREATE TRIGGER sessions_purge_archived BEFORE UPDATE OF purging ON sessions
WHEN NEW.purging = 1 AND OLD.signed_at <> '' AND OLD.kind = 'certification'
    AND NOT EXISTS (SELECT 1 FROM minutes_archive a WHERE a.session_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'locked: the signed minutes are not archived'); END;

-- While purging = 1, the rows about candidates may be deleted from a signed
-- session: only deleted (inserts and updates stay refused), and only those
-- (members, signatures, amendments and the session itself stay).
DROP TRIGGER session_candidates_locked_delete;
CREATE TRIGGER session_candidates_locked_delete BEFORE DELETE ON session_candidates
WHEN (SELECT signed_at <> '' AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER member_conflicts_locked_delete;
CREATE TRIGGER member_conflicts_locked_delete BEFORE DELETE ON member_conflicts
WHEN (SELECT s.signed_at <> '' AND s.purging = 0 FROM members m JOIN sessions s ON s.id = m.session_id WHERE m.id = OLD.member_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER timer_events_locked_delete;
CREATE TRIGGER timer_events_locked_delete BEFORE DELETE ON timer_events
WHEN (SELECT signed_at <> '' AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER grids_locked_delete;
CREATE TRIGGER grids_locked_delete BEFORE DELETE ON grids
WHEN (SELECT signed_at <> '' AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER incidents_locked_delete;
CREATE TRIGGER incidents_locked_delete BEFORE DELETE ON incidents
WHEN (SELECT signed_at <> '' AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER decisions_locked_delete;
CREATE TRIGGER decisions_locked_delete BEFORE DELETE ON decisions
WHEN (SELECT signed_at <> '' AND amending = 0 AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;

DROP TRIGGER results_locked_delete;
CREATE TRIGGER results_locked_delete BEFORE DELETE ON results
WHEN (SELECT signed_at <> '' AND amending = 0 AND purging = 0 FROM sessions WHERE id = OLD.session_id)
BEGIN SELECT RAISE(ABORT, 'locked'); END;
