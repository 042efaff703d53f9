package exam

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// IncidentKind says what happened during a session.
type IncidentKind string

// Incident kinds.
const (
	IncidentLate      IncidentKind = "late"      // late arrival
	IncidentFraud     IncidentKind = "fraud"     // fraud or attempted fraud
	IncidentTechnical IncidentKind = "technical" // technical problem
	IncidentLeft      IncidentKind = "left"      // the candidate left before the end
	IncidentOther     IncidentKind = "other"
)

// IncidentKinds lists the kinds in display order.
var IncidentKinds = []IncidentKind{IncidentLate, IncidentFraud, IncidentTechnical, IncidentLeft, IncidentOther}

// French is the kind as the procès-verbal and the exported documents name
// it ("Retard", "Fraude ou tentative de fraude"…).
func (k IncidentKind) French() string {
	switch k {
	case IncidentLate:
		return "Retard"
	case IncidentFraud:
		return "Fraude ou tentative de fraude"
	case IncidentTechnical:
		return "Problème technique"
	case IncidentLeft:
		return "Départ avant la fin"
	}
	return "Autre"
}

// Incident is recorded with its time and a text; it goes on the PV.
type Incident struct {
	ID          int64
	SessionID   int64
	CandidateID int64  // 0: about the session as a whole
	Trial       string // épreuve code, "" if none
	Kind        IncidentKind
	At          time.Time
	Text        string
	RecordedBy  string // acting user's name
}

// Validate checks the incident.
func (i *Incident) Validate() error {
	var v Validation
	ok := false
	for _, k := range IncidentKinds {
		ok = ok || i.Kind == k
	}
	if !ok {
		v.Add("kind", "err.incident.kind", "unknown kind of incident “{{.Value}}”", map[string]any{"Value": string(i.Kind)})
	}
	if i.At.IsZero() {
		v.Add("at", "err.required", "required", nil)
	}
	switch t := strings.TrimSpace(i.Text); {
	case t == "":
		v.Add("text", "err.required", "required", nil)
	case utf8.RuneCountInString(t) > MaxObservation:
		v.Add("text", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": MaxObservation})
	}
	return v.Err("incident")
}

// CandidateResult is the overall result the jury confirmed for a candidate,
// with the notes of the entretien final.
type CandidateResult struct {
	SessionID   int64
	CandidateID int64
	// Proposed is what the app proposed (ProposeResult) when the jury confirmed.
	Proposed Result
	// Result is what the jury confirmed; ResultPending while not confirmed.
	Result Result
	// Acquired lists the RNCP codes acquired in this session (certification
	// partielle or title); empty for a mock exam.
	Acquired []string
	// FinalInterviewNotes are the jury's notes of the entretien final.
	FinalInterviewNotes string
	ConfirmedAt         time.Time
	ConfirmedBy         string
}

// Validate checks the result record.
func (r *CandidateResult) Validate() error {
	var v Validation
	switch r.Result {
	case ResultPending, ResultTitle, ResultPartial, ResultNotObtained, ResultAbsent:
	default:
		v.Add("result", "err.result.unknown", "unknown result “{{.Value}}”", map[string]any{"Value": string(r.Result)})
	}
	if r.Result == ResultPartial && len(r.Acquired) == 0 {
		v.Add("result", "err.result.partial_empty", "a certification partielle lists the CCPs acquired", nil)
	}
	if utf8.RuneCountInString(r.FinalInterviewNotes) > 4*MaxObservation {
		v.Add("notes", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 4 * MaxObservation})
	}
	return v.Err("result")
}

// Signature is one jury member's signature of the PV.
type Signature struct {
	MemberID int64
	Name     string
	SignedAt time.Time
}

// Amendment is a correction made after the PV was signed: an explicit act,
// with its reason, logged, that marks the PV as amended.
type Amendment struct {
	ID     int64
	At     time.Time
	By     string
	Reason string
	// What describes the change ("CCP2 of DUPONT Marie: non acquis → acquis").
	What string
}

// Minutes is the state of a session's procès-verbal.
type Minutes struct {
	SessionID  int64
	Signatures []Signature
	// SignedAt is set when the last member signed: the results are locked.
	SignedAt   time.Time
	Amendments []Amendment
}

// Amended reports whether the PV was corrected after its signature.
func (m *Minutes) Amended() bool { return len(m.Amendments) > 0 }

// SignedBy reports whether the member has signed.
func (m *Minutes) SignedBy(memberID int64) bool {
	for _, s := range m.Signatures {
		if s.MemberID == memberID {
			return true
		}
	}
	return false
}

// MinSecretLength is the shortest PIN or password a member may sign with.
const MinSecretLength = 4

// DeliberationService stores incidents, confirmed results, the signatures
// of the PV and the corrections made after it. Every method returns
// EFORBIDDEN when the actor's role does not allow it and ENOTFOUND when the
// session or candidate does not exist.
type DeliberationService interface {
	// Incidents returns a session's incidents in time order.
	Incidents(ctx context.Context, a Actor, sessionID int64) ([]Incident, error)
	// RecordIncident stores i, setting its ID. EINVALID, ELOCKED.
	RecordIncident(ctx context.Context, a Actor, i *Incident) error
	// Results returns the confirmed results of a session's candidates.
	Results(ctx context.Context, a Actor, sessionID int64) ([]CandidateResult, error)
	// ConfirmResult stores the overall result the jury confirmed (and the
	// notes of the entretien final). EINVALID (a result that does not follow
	// from the decisions, a pending block), ELOCKED.
	ConfirmResult(ctx context.Context, a Actor, r *CandidateResult) error
	// SetMemberSecret sets the PIN or password a jury member signs with
	// (stored hashed). EINVALID (shorter than MinSecretLength), ELOCKED.
	SetMemberSecret(ctx context.Context, a Actor, sessionID, memberID int64, secret string) error
	// Minutes returns the PV's signatures and amendments.
	Minutes(ctx context.Context, a Actor, sessionID int64) (*Minutes, error)
	// Sign records a member's signature after checking their secret; when
	// every member has signed, the session is locked (SignedAt). EINVALID
	// when results are missing (every present candidate needs a confirmed
	// result), EFORBIDDEN for a wrong secret, ECONFLICT if already signed,
	// ELOCKED once locked.
	Sign(ctx context.Context, a Actor, sessionID, memberID int64, secret string) error
	// AmendDecision changes a block decision after the signature, with its
	// reason: logged, and the PV is marked amended. EINVALID (no reason),
	// ECONFLICT if the PV is not signed (change it normally).
	AmendDecision(ctx context.Context, a Actor, sessionID int64, d *BlockDecision, reason string) error
	// AmendResult changes a confirmed result after the signature, as
	// AmendDecision.
	AmendResult(ctx context.Context, a Actor, r *CandidateResult, reason string) error
}

// ArchivedMinutes is a signed PV as a purge archived it before removing
// candidates from its session (docs/privacy.md): the PDF and its SHA-256.
type ArchivedMinutes struct {
	ID            int64
	SessionID     int64
	ArchivedAt    time.Time
	Amendments    int // the corrections it shows
	Registrations int // the candidates it lists
	SHA256        string
	PDF           []byte
}
