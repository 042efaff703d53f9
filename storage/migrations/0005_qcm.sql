-- Schema 5: the QCM — question bank, questionnaires, attempts with their
-- answers and clock (docs/qcm.md). Runs in one transaction together with
-- PRAGMA user_version = 5.

-- The question bank. code is optional and unique without case: importing a
-- question with a known code replaces it. choices is a JSON array of
-- {"text", "correct", "feedback"} in the author's order.
CREATE TABLE qcm_questions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT CHECK (code IS NULL OR code <> ''),
    block      TEXT NOT NULL CHECK (block <> ''),
    competence INTEGER NOT NULL CHECK (competence > 0),
    kind       TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'truefalse')),
    text       TEXT NOT NULL CHECK (text <> ''),
    choices    TEXT NOT NULL,
    image      BLOB,
    feedback   TEXT NOT NULL DEFAULT '',
    category   TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX qcm_questions_code ON qcm_questions (code COLLATE NOCASE) WHERE code IS NOT NULL;
CREATE INDEX qcm_questions_block ON qcm_questions (block, competence);

-- How an attempt draws its questions: draw is JSON {"per_block": [{"block",
-- "count"}…]} or {"question_ids": […]}.
CREATE TABLE qcm_questionnaires (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL CHECK (title <> ''),
    kind           TEXT NOT NULL CHECK (kind IN ('positioning', 'final', 'mock')),
    draw           TEXT NOT NULL,
    time_limit_min INTEGER NOT NULL CHECK (time_limit_min > 0),
    created_at     TEXT NOT NULL
) STRICT;

-- One candidate's sitting of a questionnaire. items is the JSON copy of the
-- questions as drawn (with their choice order), so that editing the bank
-- never changes an attempt; seed reproduces them (exam.Draw). A candidate
-- has at most one unfinished attempt per questionnaire. A questionnaire
-- with attempts cannot be deleted; a candidate's deletion (or the retention
-- purge) deletes their attempts.
CREATE TABLE qcm_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    questionnaire_id INTEGER NOT NULL REFERENCES qcm_questionnaires (id),
    candidate_id     INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('positioning', 'final', 'mock')),
    title            TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    items            TEXT NOT NULL,
    item_count       INTEGER NOT NULL,
    screen           TEXT NOT NULL,             -- JSON exam.ScreenNeeds
    base_ns          INTEGER NOT NULL,
    extra_ns         INTEGER NOT NULL,
    breaks           TEXT NOT NULL DEFAULT '[]', -- JSON []exam.Break
    current          INTEGER NOT NULL DEFAULT 0,
    started_at       TEXT NOT NULL,
    ended_at         TEXT NOT NULL DEFAULT '',
    end_reason       TEXT NOT NULL DEFAULT '' CHECK (end_reason IN ('', 'done', 'time_up', 'stopped')),
    last_seen        TEXT NOT NULL,
    score_right      INTEGER,                   -- set when the attempt ends
    score_total      INTEGER
) STRICT;

CREATE UNIQUE INDEX qcm_attempts_open ON qcm_attempts (questionnaire_id, candidate_id) WHERE ended_at = '';
CREATE INDEX qcm_attempts_candidate ON qcm_attempts (candidate_id);

-- The answer to one item (page) of an attempt: chosen is a JSON array of
-- indices into the question's choices. No row: unanswered.
CREATE TABLE qcm_answers (
    attempt_id INTEGER NOT NULL REFERENCES qcm_attempts (id) ON DELETE CASCADE,
    item       INTEGER NOT NULL CHECK (item >= 0),
    chosen     TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (attempt_id, item)
) STRICT, WITHOUT ROWID;

-- The attempt's clock, as for an épreuve (docs/time-rules.md).
CREATE TABLE qcm_timer_events (
    attempt_id INTEGER NOT NULL REFERENCES qcm_attempts (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('start', 'pause', 'resume', 'end')),
    at         TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (attempt_id, seq)
) STRICT, WITHOUT ROWID;
